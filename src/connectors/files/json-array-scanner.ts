/** What stops a JSON document from giving records, and the bytes that show it. */
export interface JsonScanProblem {
  /** `shape`: no array of records where the plan says; `syntax`: the document stops being JSON. */
  readonly kind: 'shape' | 'syntax';
  readonly message: string;
  /** At most RAW_LIMIT bytes: where the problem starts (syntax), or the start of the document (shape). */
  readonly raw: Buffer;
  /** Whether the file went on past `raw`. */
  readonly rawCut: boolean;
  /** The 1-based line where `raw` starts (where the file ends, when there is no raw text). */
  readonly line: number;
}

export interface JsonScanEnd {
  readonly elements: number;
  /** Arrays found at the records path (a key repeated in the document can hold two). */
  readonly arrays: number;
  /** The file holds only white space (after a byte-order mark). */
  readonly blank: boolean;
  readonly problem: JsonScanProblem | undefined;
}

export interface JsonArrayScanner {
  /** Scans the next bytes; false once nothing more is wanted (a problem was found and its raw text is kept). */
  push(chunk: Buffer): boolean;
  end(): JsonScanEnd;
}

/** Raw text kept for a problem: enough to see it, bounded so that a broken multi-gigabyte file is not held. */
export const RAW_LIMIT = 64 * 1024;

/**
 * An element still open after this many bytes is taken for a broken one (an unclosed string swallows the rest of
 * the file): without a bound, it would be held in memory whole.
 */
const MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_BYTE = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const isWhiteSpace = (byte: number): boolean =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const endsLiteral = (byte: number): boolean =>
  isWhiteSpace(byte) || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE;

/** What a value starting with this byte is, to say what the plan's array turned out to be. */
const kindOfValue = (byte: number): string =>
  byte === OPEN_BRACE
    ? 'an object'
    : byte === QUOTE
      ? 'a string'
      : byte === 0x74 || byte === 0x66
        ? 'a boolean'
        : byte === 0x6e
          ? 'null'
          : byte === 0x2d || (byte >= 0x30 && byte <= 0x39)
            ? 'a number'
            : 'not JSON';

const shown = (byte: number): string =>
  byte >= 0x20 && byte < 0x7f ? JSON.stringify(String.fromCharCode(byte)) : `byte 0x${byte.toString(16)}`;

const joinPath = (parent: string, segment: string): string =>
  parent === '' ? segment : `${parent}.${segment}`;

/** A container the scanner is inside of: one on the way to the records, or the records array itself. */
interface Frame {
  readonly kind: 'object' | 'array' | 'records';
  readonly path: string;
  /** Arrays: the index of the current element, a path segment (`pages.1.items`), as the plan's `records` always counted. */
  index: number;
  /** Objects: the key of the current value. */
  key: string;
}

const State = {
  /** A value is expected: at the top, after a key's colon, after a comma in an array. */
  Value: 0,
  /** Just after `[`: a value or `]`. */
  FirstItem: 1,
  /** A value ended: a comma or the container's closing bracket. */
  AfterValue: 2,
  /** Just after `{`: a key or `}`. */
  FirstKey: 3,
  /** After a comma in an object: a key. */
  Key: 4,
  InKey: 5,
  Colon: 6,
  /** Inside a value passed over without its structure: an element (kept) or a value off the records path. */
  Scan: 7,
  /** The document's value ended: white space only. */
  Done: 8,
  Stopped: 9,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * Finds, byte by byte, the elements of the array of records in a JSON document (the document itself, or the array
 * at the dotted `recordsPath`) and hands each over as its bytes exactly as in the file, with the line it starts on;
 * the file is never held whole.
 * Structural characters are ASCII, so bytes that are not valid UTF-8 cannot derail the scan: each element's bytes
 * are checked and parsed by the caller. Inside an element only strings and brackets are followed (a malformed
 * element costs that element); the structure around the array is followed strictly, and where it breaks, the
 * problem names the line and column.
 */
export const createJsonArrayScanner = (
  recordsPath: string | undefined,
  onElement: (bytes: Buffer, line: number) => void,
): JsonArrayScanner => {
  const target = recordsPath ?? '';
  const where = recordsPath === undefined ? 'at the top of the document' : `at "${recordsPath}"`;
  const stack: Frame[] = [];
  let state: State = State.Value;
  /** Whether the expected value follows a comma in an array: a `]` there is a trailing comma. */
  let afterComma = false;
  /** Where that comma is, for the raw text of a trailing comma: in this chunk, or kept from earlier ones. */
  let commaChunk: Buffer | undefined;
  let commaIndex = 0;
  let commaLine = 0;
  let commaPieces: Buffer[] = [];
  let elements = 0;
  let arrays = 0;
  let sawContent = false;

  /** The first bytes, held until they tell whether the file starts with a byte-order mark; then undefined. */
  let opening: Buffer | undefined = Buffer.alloc(0);

  // Where the current chunk starts in the file; the line reached, where it starts in the file, and the first line
  // break in the chunk not counted yet (the chunk's length when there is none): lines are counted as the scan needs
  // them, each line break once, and a chunk without one costs one search.
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  let nextBreak = 0;

  /** The start of the document, for a problem of shape: the raw record is what the document looks like. */
  const head: Buffer[] = [];
  let headBytes = 0;

  // The value being scanned.
  const brackets: number[] = [];
  /** The line the element being scanned starts on. */
  let elementLine = 0;
  let inString = false;
  let escape = false;
  let literal = false;
  let capture = false;
  let scanStart = 0;
  let pieces: Buffer[] = [];
  let pieceBytes = 0;

  // The key being read.
  let keyPieces: Buffer[] = [];
  let keyStart = 0;

  let problem:
    | { kind: JsonScanProblem['kind']; message: string; pieces: Buffer[]; bytes: number; line: number }
    | undefined;

  // Read through a function: TypeScript does not see the callbacks that set it and would narrow it to undefined.
  const problemFound = () => problem;

  /** The line of the byte at `index` in the chunk; the scan asks in the order of the bytes. */
  const lineAt = (chunk: Buffer, index: number): number => {
    while (nextBreak < index) {
      line += 1;
      lineStart = offset + nextBreak + 1;
      nextBreak = chunk.indexOf(NEWLINE, nextBreak + 1);
      if (nextBreak === -1) nextBreak = chunk.length;
    }
    return line;
  };

  const position = (chunk: Buffer, index: number): string =>
    `line ${lineAt(chunk, index)}, column ${offset + index - lineStart + 1}`;

  const stop = (kind: JsonScanProblem['kind'], message: string, raw: Buffer[], at: number): void => {
    state = State.Stopped;
    problem = {
      kind,
      message,
      pieces: raw,
      bytes: raw.reduce((sum, piece) => sum + piece.length, 0),
      line: at,
    };
  };

  const brokenAfter = (why: string): string =>
    `the document does not parse after ${elements} record${elements === 1 ? '' : 's'} (${why}); the rest of the file cannot be read`;

  /** The document stops being JSON at `index`: the raw text starts there, or at the element it is inside. */
  const syntax = (chunk: Buffer, index: number, message: string): void => {
    stop(
      'syntax',
      message,
      capture ? [...pieces, chunk.subarray(scanStart)] : [chunk.subarray(index)],
      capture ? elementLine : lineAt(chunk, index),
    );
  };

  const unexpected = (chunk: Buffer, index: number): void =>
    syntax(
      chunk,
      index,
      brokenAfter(`unexpected ${shown(chunk[index] as number)} at ${position(chunk, index)}`),
    );

  const valueEnded = (): void => {
    state = stack.length === 0 ? State.Done : State.AfterValue;
  };

  const pathOfNextValue = (): string => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) return '';
    return joinPath(parent.path, parent.kind === 'object' ? parent.key : String(parent.index));
  };

  const startScan = (chunk: Buffer, index: number, keep: boolean): void => {
    const byte = chunk[index] as number;
    state = State.Scan;
    capture = keep;
    if (keep) elementLine = lineAt(chunk, index);
    scanStart = index;
    pieces = [];
    pieceBytes = 0;
    inString = byte === QUOTE;
    escape = false;
    literal = false;
    brackets.length = 0;
    if (byte === OPEN_BRACE) brackets.push(CLOSE_BRACE);
    else if (byte === OPEN_BRACKET) brackets.push(CLOSE_BRACKET);
    else if (byte !== QUOTE) literal = true;
  };

  /** The scanned value ends just before `end`. */
  const endScan = (chunk: Buffer, end: number): void => {
    if (capture) {
      pieces.push(chunk.subarray(scanStart, end));
      const bytes = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
      pieces = [];
      capture = false;
      elements += 1;
      onElement(bytes, elementLine);
    }
    valueEnded();
  };

  /** A value starts at `index` (not white space, not a closing bracket, comma or colon). */
  const beginValue = (chunk: Buffer, index: number): void => {
    const byte = chunk[index] as number;
    const parent = stack[stack.length - 1];
    if (parent?.kind === 'records') {
      startScan(chunk, index, true);
      return;
    }
    const path = pathOfNextValue();
    if (path === target) {
      if (byte !== OPEN_BRACKET) {
        stop('shape', `the value ${where} is ${kindOfValue(byte)}, not an array of records`, [...head], 1);
        return;
      }
      arrays += 1;
      stack.push({ kind: 'records', path, index: 0, key: '' });
      state = State.FirstItem;
      return;
    }
    const onTheWay = path === '' || target.startsWith(`${path}.`);
    if (onTheWay && byte === OPEN_BRACE) {
      stack.push({ kind: 'object', path, index: 0, key: '' });
      state = State.FirstKey;
    } else if (onTheWay && byte === OPEN_BRACKET) {
      stack.push({ kind: 'array', path, index: 0, key: '' });
      state = State.FirstItem;
    } else {
      startScan(chunk, index, false);
    }
  };

  const isValueStart = (byte: number): boolean =>
    byte !== COMMA && byte !== COLON_BYTE && byte !== CLOSE_BRACE && byte !== CLOSE_BRACKET;

  const scan = (chunk: Buffer, from: number): void => {
    const length = chunk.length;
    let index = from;
    while (index < length && state !== State.Stopped) {
      const byte = chunk[index] as number;
      switch (state) {
        case State.Scan: {
          // The hot loop: most of a file is inside elements.
          let at = index;
          for (; at < length; at += 1) {
            const inside = chunk[at] as number;
            if (inString) {
              if (escape) escape = false;
              else if (inside === BACKSLASH) escape = true;
              else if (inside === QUOTE) {
                inString = false;
                if (brackets.length === 0) {
                  endScan(chunk, at + 1);
                  break;
                }
              }
            } else if (literal) {
              if (endsLiteral(inside)) {
                endScan(chunk, at);
                // The byte that ended the literal belongs to the container: read it again.
                at -= 1;
                break;
              }
            } else if (inside === QUOTE) inString = true;
            else if (inside === OPEN_BRACE) brackets.push(CLOSE_BRACE);
            else if (inside === OPEN_BRACKET) brackets.push(CLOSE_BRACKET);
            else if (inside === CLOSE_BRACE || inside === CLOSE_BRACKET) {
              if (brackets[brackets.length - 1] !== inside) {
                unexpected(chunk, at);
                break;
              }
              brackets.pop();
              if (brackets.length === 0) {
                endScan(chunk, at + 1);
                break;
              }
            }
          }
          index = at + 1;
          continue;
        }
        case State.Value:
          if (isWhiteSpace(byte)) break;
          if (byte === CLOSE_BRACKET && afterComma) {
            const fromComma = [...commaPieces, chunk.subarray(commaChunk === chunk ? commaIndex : 0)];
            stop(
              'syntax',
              `the array ends with a comma and no element after it, at ${position(chunk, index)}`,
              fromComma,
              commaLine,
            );
            break;
          }
          if (!isValueStart(byte)) {
            unexpected(chunk, index);
            break;
          }
          sawContent = true;
          afterComma = false;
          beginValue(chunk, index);
          break;
        case State.FirstItem:
          if (isWhiteSpace(byte)) break;
          if (byte === CLOSE_BRACKET) {
            stack.pop();
            valueEnded();
          } else if (isValueStart(byte)) beginValue(chunk, index);
          else unexpected(chunk, index);
          break;
        case State.AfterValue: {
          if (isWhiteSpace(byte)) break;
          const frame = stack[stack.length - 1] as Frame;
          if (byte === COMMA) {
            if (frame.kind === 'object') state = State.Key;
            else {
              frame.index += 1;
              afterComma = true;
              commaChunk = chunk;
              commaIndex = index;
              commaLine = lineAt(chunk, index);
              commaPieces = [];
              state = State.Value;
            }
          } else if (byte === (frame.kind === 'object' ? CLOSE_BRACE : CLOSE_BRACKET)) {
            stack.pop();
            valueEnded();
          } else unexpected(chunk, index);
          break;
        }
        case State.FirstKey:
        case State.Key:
          if (isWhiteSpace(byte)) break;
          if (byte === QUOTE) {
            state = State.InKey;
            keyPieces = [];
            keyStart = index;
            escape = false;
          } else if (byte === CLOSE_BRACE && state === State.FirstKey) {
            stack.pop();
            valueEnded();
          } else unexpected(chunk, index);
          break;
        case State.InKey:
          if (escape) escape = false;
          else if (byte === BACKSLASH) escape = true;
          else if (byte === QUOTE) {
            keyPieces.push(chunk.subarray(keyStart, index + 1));
            let key: unknown;
            try {
              key = JSON.parse(Buffer.concat(keyPieces).toString('utf8'));
            } catch {
              key = undefined;
            }
            if (typeof key !== 'string') {
              unexpected(chunk, index);
              break;
            }
            (stack[stack.length - 1] as Frame).key = key;
            state = State.Colon;
          }
          break;
        case State.Colon:
          if (isWhiteSpace(byte)) break;
          if (byte === COLON_BYTE) state = State.Value;
          else unexpected(chunk, index);
          break;
        case State.Done:
          if (isWhiteSpace(byte)) break;
          syntax(chunk, index, `text after the end of the document, at ${position(chunk, index)}`);
          break;
      }
      index += 1;
    }
    // What is still open at the end of the chunk goes on in the next one.
    if (state === State.Scan && capture) {
      pieces.push(chunk.subarray(scanStart));
      pieceBytes += length - scanStart;
      scanStart = 0;
      if (pieceBytes > MAX_ELEMENT_BYTES) {
        stop(
          'syntax',
          brokenAfter(
            `element ${elements + 1} is still open after ${MAX_ELEMENT_BYTES} bytes (an unclosed string?)`,
          ),
          pieces,
          elementLine,
        );
      }
    } else if (state === State.Value && afterComma) {
      // White space after a comma goes on in the next chunk: the comma's chunk is kept (up to RAW_LIMIT).
      const kept = commaPieces.reduce((sum, piece) => sum + piece.length, 0);
      if (kept < RAW_LIMIT) commaPieces.push(commaChunk === chunk ? chunk.subarray(commaIndex) : chunk);
      commaChunk = undefined;
    } else if (state === State.InKey) {
      keyPieces.push(chunk.subarray(keyStart));
      keyStart = 0;
    }
  };

  const feed = (chunk: Buffer): boolean => {
    if (problem !== undefined) {
      problem.pieces.push(chunk);
      problem.bytes += chunk.length;
      return problem.bytes <= RAW_LIMIT;
    }
    if (headBytes < RAW_LIMIT) {
      const part = chunk.subarray(0, RAW_LIMIT - headBytes);
      head.push(part);
      headBytes += part.length;
    }
    nextBreak = chunk.indexOf(NEWLINE);
    if (nextBreak === -1) nextBreak = chunk.length;
    scan(chunk, 0);
    const found = problemFound();
    // Read on until the raw text is kept (a problem of shape shows the start of the document).
    if (found !== undefined) return found.bytes <= RAW_LIMIT;
    lineAt(chunk, chunk.length);
    offset += chunk.length;
    return true;
  };

  return {
    push(chunk) {
      if (opening === undefined) return feed(chunk);
      // A byte-order mark is not JSON: skipped, though positions still count it, as an editor shows the file.
      const start = opening.length === 0 ? chunk : Buffer.concat([opening, chunk]);
      if (start.length < BOM.length && BOM.subarray(0, start.length).equals(start)) {
        opening = start;
        return true;
      }
      opening = undefined;
      if (start.subarray(0, BOM.length).equals(BOM)) {
        offset = BOM.length;
        lineStart = BOM.length;
        return feed(start.subarray(BOM.length));
      }
      return feed(start);
    },

    end() {
      // One or two bytes that began like a byte-order mark, and the file ended.
      if (opening !== undefined && opening.length > 0) feed(opening);
      opening = undefined;
      if (problem === undefined && state !== State.Done && state !== State.Stopped) {
        if (!sawContent) return { elements, arrays, blank: true, problem: undefined };
        const inElement = state === State.Scan && capture;
        if (inElement)
          stop('syntax', brokenAfter(`the file ends inside element ${elements + 1}`), pieces, elementLine);
        else
          stop(
            'syntax',
            `the file ends at line ${line} before its array is closed, after ${elements} complete record${elements === 1 ? '' : 's'}: it may have been cut short (no text is left to keep)`,
            [],
            line,
          );
      }
      if (problem === undefined && arrays === 0) stop('shape', `there is no array ${where}`, [...head], 1);
      if (problem === undefined) return { elements, arrays, blank: false, problem: undefined };
      const raw = Buffer.concat(problem.pieces, Math.min(problem.bytes, RAW_LIMIT + 1));
      return {
        elements,
        arrays,
        blank: false,
        problem: {
          kind: problem.kind,
          message: problem.message,
          raw: raw.subarray(0, RAW_LIMIT),
          rawCut: raw.length > RAW_LIMIT,
          line: problem.line,
        },
      };
    },
  };
};

import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import type { jsonSourceSchema } from '../../core/plan/plan-schema.js';
import type { RecordSource } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { ReadProblem, SourceLocation, SourceRecord } from '../../core/source-record.js';
import { createBlankLineTally } from './blank-line-tally.js';
import { emptyFileNotice, fileRecordSource, type FileReadContext } from './file-record-source.js';
import { createJsonArrayScanner, RAW_LIMIT } from './json-array-scanner.js';
import { createLineSplitter } from './line-splitter.js';
import { parseJsonKeepingNumbers } from './parse-json-keeping-numbers.js';
import { readChunks } from './read-chunks.js';
import { createBatcher } from './record-batcher.js';
import { REPLACEMENT_CHARACTER, utf16ByBom, type Utf16Start } from './text-encoding.js';
import { asUtf8Chunks } from './utf8-chunks.js';

export type JsonSourceSpec = z.infer<typeof jsonSourceSchema>;

const isRecordObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a value that is not an object is; `raw` tells a number (its text, here) from a string. */
const kindOf = (value: unknown, raw: string): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'string' && !raw.trimStart().startsWith('"')
        ? 'a number'
        : `a ${typeof value}`;

/**
 * Where a JSON file has no byte-order mark, its first two characters (ASCII in any JSON a source reads: a bracket, a
 * brace, white space) tell its encoding by their NUL bytes (RFC 4627, section 3): UTF-8 JSON holds none, UTF-16LE
 * starts `xx 00`, UTF-16BE `00 xx`. UTF-32 (`xx 00 00 00`, `00 00`, or its mark `FF FE 00 00`) is refused, naming
 * the fix: read as UTF-8 or UTF-16, its NUL bytes would become records the file does not hold.
 */
const utf16OfJson = (head: Buffer, source: string): Utf16Start | undefined => {
  const [first, second, third, fourth] = head;
  const utf32 =
    head.length >= 4 &&
    ((first === 0 && second === 0) ||
      ((second === 0 || (first === 0xff && second === 0xfe)) && third === 0 && fourth === 0));
  if (utf32) {
    throw new CutoverError(
      ErrorCode.SOURCE_FAILED,
      `${source}: not UTF-8 or UTF-16 text (its first bytes are those of UTF-32): convert the file to UTF-8`,
      { context: { file: source } },
    );
  }
  const marked = utf16ByBom(head);
  if (marked !== undefined) return marked;
  if (head.length < 2) return undefined;
  if (first === 0 && second !== 0) return { encoding: 'utf-16be', bomLength: 0 };
  if (first !== 0 && second === 0) return { encoding: 'utf-16le', bomLength: 0 };
  return undefined;
};

/**
 * The file's bytes as UTF-8: a UTF-16 file (by its byte-order mark, or by its NUL bytes, see utf16OfJson) is
 * re-encoded chunk by chunk, and the JSON_UTF16 notice says so; a UTF-8 file passes through as read.
 */
const jsonChunks = (context: FileReadContext): AsyncIterable<Buffer> =>
  asUtf8Chunks(
    readChunks(context),
    (encoding, byBom) =>
      context.notice({
        code: 'JSON_UTF16',
        message: `${context.source} is ${encoding.toUpperCase()} (${byBom ? 'byte-order mark' : 'no byte-order mark; its NUL bytes say so'}): read as such`,
      }),
    (head) => utf16OfJson(head, context.source),
  );

/**
 * A JSON document holding an array of objects, at the top or at the dotted path `records`, read element by element
 * (the document is never held whole). Each element keeps its text as in the file: the raw record, and numbers as
 * written. A document that stops being JSON part-way is data damage: what came before is kept and one MALFORMED_JSON
 * record says where, with the text there. A document with no array where the plan says is one MALFORMED_JSON record
 * too, with the start of the document: in a plan reading one file per dossier, one file of another shape must not
 * stop the other dossiers (and a plan mistake shows in every file's rejection).
 */
async function* readJsonArray(
  spec: JsonSourceSpec,
  context: FileReadContext,
): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const batcher = createBatcher(context.batchSize);
  let count = 0;
  const scanner = createJsonArrayScanner(spec.records, (bytes, line) => {
    count += 1;
    const location = { source, line, lineShared: true, record: count } as const;
    batcher.push(jsonRecord(bytes, bytes.toString('utf8'), location, `element ${count} of the array`, 'is'));
  });
  for await (const chunk of jsonChunks(context)) {
    const more = scanner.push(chunk);
    yield* batcher.take();
    if (!more) break;
  }
  const { blank, problem } = scanner.end();
  if (problem !== undefined) {
    const raw = problem.raw.toString('utf8');
    batcher.push({
      fields: {},
      location: { source, line: problem.line, lineShared: true, record: count + 1 },
      // Empty when the file ends between two records: the ledger keeps that, not a made-up `{}`.
      raw,
      problem: {
        reason: RejectReason.MALFORMED_JSON,
        message: problem.rawCut
          ? `${problem.message} (the raw text kept is its first ${RAW_LIMIT} bytes)`
          : problem.message,
      },
    });
  }
  yield* batcher.finish();
  const where = spec.records === undefined ? 'at the top of the document' : `at "${spec.records}"`;
  if (blank) context.notice(emptyFileNotice(source, 'holds only white space'));
  else if (count === 0 && problem === undefined)
    context.notice(emptyFileNotice(source, `has an empty array ${where}`));
}

/** The top-level string field holding U+FFFD, to name the column of an INVALID_ENCODING record. */
const columnWithReplacement = (fields: Record<string, unknown>): string | undefined =>
  Object.keys(fields).find((key) => {
    const value = fields[key];
    return typeof value === 'string' && value.includes(REPLACEMENT_CHARACTER);
  });

/**
 * The record of one JSON value (an NDJSON line, an element of an array) from its bytes: its object, or
 * MALFORMED_JSON / INVALID_ENCODING with the text as read. `subject` names the value in messages.
 */
const jsonRecord = (
  bytes: Buffer,
  raw: string,
  location: SourceLocation,
  subject: string,
  verb: 'holds' | 'is',
): SourceRecord => {
  let value: unknown;
  let problem: ReadProblem | undefined;
  try {
    value = parseJsonKeepingNumbers(raw);
    if (!isRecordObject(value)) {
      problem = {
        reason: RejectReason.MALFORMED_JSON,
        message: `${subject} ${verb} ${kindOf(value, raw)}, not an object`,
      };
    } else if (!isUtf8(bytes)) {
      const column = columnWithReplacement(value);
      problem = {
        reason: RejectReason.INVALID_ENCODING,
        message: `${subject} holds bytes that are not valid UTF-8${column === undefined ? '' : ` (in "${column}")`}`,
        ...(column === undefined ? {} : { column }),
      };
    }
  } catch (error) {
    problem = {
      reason: RejectReason.MALFORMED_JSON,
      message: `${subject} does not parse: ${messageOf(error)}`,
    };
  }
  const fields = isRecordObject(value) ? value : {};
  return problem === undefined ? { fields, location, raw } : { fields, location, raw, problem };
};

/** One JSON object per line; each line stands alone, so a broken line costs that line only. */
async function* readNdjson(context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const batcher = createBatcher(context.batchSize);
  const blanks = createBlankLineTally();
  let count = 0;
  const splitter = createLineSplitter((lineBytes, line) => {
    const bytes =
      line === 1 && lineBytes[0] === 0xef && lineBytes[1] === 0xbb && lineBytes[2] === 0xbf
        ? lineBytes.subarray(3)
        : lineBytes;
    const raw = bytes.toString('utf8');
    if (raw.trim() === '') {
      blanks.blank(line);
      return;
    }
    blanks.content();
    count += 1;
    batcher.push(jsonRecord(bytes, raw, { source, line, record: count }, 'the line', 'holds'));
  });

  for await (const chunk of jsonChunks(context)) {
    splitter.push(chunk);
    yield* batcher.take();
  }
  splitter.end();
  yield* batcher.finish();
  const blankNotice = blanks.notice(source);
  if (blankNotice !== undefined) context.notice(blankNotice);
  if (count === 0) context.notice(emptyFileNotice(source, 'has only blank lines'));
}

/** `json`: an array of objects (optionally at `records`); `ndjson`: one object per line. Values stay as JSON gave them. */
export const jsonSource = (spec: JsonSourceSpec, file: { path: string; relative: string }): RecordSource =>
  fileRecordSource(file, (context) =>
    spec.type === 'ndjson' ? readNdjson(context) : readJsonArray(spec, context),
  );

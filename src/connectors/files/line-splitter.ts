const LF = 0x0a;
const CR = 0x0d;

export type LineEnding = '\n' | '\r\n' | '\r\r\n' | '\r' | '\r\r' | '';
/** The ending of a line of a file whose lines end at LF, by the number of CRs before the LF (or the file's end). */
const LF_ENDINGS = ['\n', '\r\n', '\r\r\n'] as const;
const LAST_ENDINGS = ['', '\r', '\r\r'] as const;

/**
 * Splits a byte stream into lines without decoding it, so that each line can be decoded on its own (a FEC mixes
 * UTF-8 lines with legacy ones). LF, CRLF and CR CR LF (a CRLF file converted once more on Windows) each end one
 * line; in a file with no LF at all, CR ends lines (old Mac exports). `onLine` gets the line's bytes without its
 * line ending (a view into the chunk, not a copy), its 1-based number, and the ending it had (empty, or the CRs
 * only, for a last line without LF), for a reader that keeps the text as written.
 */
export const createLineSplitter = (onLine: (bytes: Buffer, line: number, ending: LineEnding) => void) => {
  let separator: number | undefined;
  /** Bytes of a line that started in an earlier chunk. */
  let carry: Buffer[] = [];
  let line = 0;

  /** `end` is where the line's separator is, or the end of the bytes for a last line without one. */
  const emit = (bytes: Buffer, start: number, end: number, last = false): void => {
    let stop = end;
    if (separator === LF) {
      if (stop > start && bytes[stop - 1] === CR) stop -= 1;
      if (stop > start && bytes[stop - 1] === CR) stop -= 1;
    }
    line += 1;
    const ending = separator !== LF ? (last ? '' : '\r') : (last ? LAST_ENDINGS : LF_ENDINGS)[end - stop];
    onLine(bytes.subarray(start, stop), line, ending as LineEnding);
  };

  const push = (chunk: Buffer): void => {
    if (separator === undefined) {
      if (chunk.indexOf(LF) !== -1) separator = LF;
      else if (chunk.indexOf(CR) !== -1) separator = CR;
      else {
        carry.push(chunk);
        return;
      }
    }
    let end = chunk.indexOf(separator);
    if (end === -1) {
      carry.push(chunk);
      return;
    }
    let bytes = chunk;
    if (carry.length > 0) {
      // Joined only once the line's end is known: a long line is copied once, not once per chunk.
      const before = carry.reduce((total, piece) => total + piece.length, 0);
      bytes = Buffer.concat([...carry, chunk]);
      end += before;
      carry = [];
    }
    let start = 0;
    while (end !== -1) {
      emit(bytes, start, end);
      start = end + 1;
      end = bytes.indexOf(separator, start);
    }
    if (start < bytes.length) carry.push(bytes.subarray(start));
  };

  const end = (): void => {
    if (carry.length === 0) return;
    const bytes = carry.length === 1 ? (carry[0] as Buffer) : Buffer.concat(carry);
    carry = [];
    if (bytes.length > 0) emit(bytes, 0, bytes.length, true);
  };

  return { push, end };
};

/** Strings at least this long go through TextEncoder: its call costs more than the loops below on short ones. */
const NATIVE_ENCODE_FROM = 256;
const encoder = new TextEncoder();

/** PostgreSQL COPY text format: the characters that delimit rows and fields, and their escapes. */
const BACKSLASH = 0x5c;
const COPY_ESCAPES = new Map([
  [BACKSLASH, BACKSLASH],
  [0x09, 0x74], // \t
  [0x0a, 0x6e], // \n
  [0x0d, 0x72], // \r
]);

/**
 * Writes text as UTF-8 into one growing byte array, for data that leaves the process (or the thread) as bytes: the
 * rows of a batch for the SQLite writer thread, the COPY text of a batch for PostgreSQL. Building those as strings
 * and joining them cost more than everything else the migrating thread did with a row (V8's Array.join takes
 * 150-250 ns per piece), and the string still had to be encoded again.
 *
 * A lone UTF-16 surrogate, which UTF-8 cannot carry, is written as U+FFFD.
 */
export class Utf8Writer {
  private bytes: Uint8Array;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(capacity, 64));
  }

  /** Makes room for `units` UTF-16 units (3 bytes each at most; 2 escaped bytes in COPY text is fewer). */
  private reserve(units: number): Uint8Array {
    const needed = this.length + 3 * units;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }

  /** One byte below 0x80 (an ASCII character). */
  byte(value: number): void {
    this.reserve(1)[this.length++] = value;
  }

  /** Text as it is. */
  text(value: string): void {
    const bytes = this.reserve(value.length);
    if (value.length >= NATIVE_ENCODE_FROM) {
      this.length += encoder.encodeInto(value, bytes.subarray(this.length)).written;
      return;
    }
    let at = this.length;
    for (let index = 0; index < value.length; index++) {
      const code = value.charCodeAt(index);
      if (code < 0x80) bytes[at++] = code;
      else {
        this.length = at;
        index = this.wide(value, index);
        at = this.length;
      }
    }
    this.length = at;
  }

  /** Text as a field of PostgreSQL's COPY text format: backslash, tab, line feed and carriage return escaped. */
  copyField(value: string): void {
    const bytes = this.reserve(value.length);
    let at = this.length;
    for (let index = 0; index < value.length; index++) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) {
        this.length = at;
        index = this.wide(value, index);
        at = this.length;
      } else if (code > BACKSLASH || (code > 0x0d && code !== BACKSLASH)) {
        bytes[at++] = code;
      } else {
        const escape = COPY_ESCAPES.get(code);
        if (escape !== undefined) bytes[at++] = BACKSLASH;
        bytes[at++] = escape ?? code;
      }
    }
    this.length = at;
  }

  /** Writes the character at `index` (0x80 or above, room reserved) and returns the index of its last unit. */
  private wide(value: string, index: number): number {
    const bytes = this.bytes;
    let at = this.length;
    let code = value.charCodeAt(index);
    if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
      this.length = at;
      return index;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = index + 1 < value.length ? value.charCodeAt(index + 1) : 0;
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        const point = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        bytes[at++] = 0xf0 | (point >> 18);
        bytes[at++] = 0x80 | ((point >> 12) & 0x3f);
        bytes[at++] = 0x80 | ((point >> 6) & 0x3f);
        bytes[at++] = 0x80 | (point & 0x3f);
        this.length = at;
        return index + 1;
      }
      code = 0xfffd;
    }
    bytes[at++] = 0xe0 | (code >> 12);
    bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
    bytes[at++] = 0x80 | (code & 0x3f);
    this.length = at;
    return index;
  }

  /** The bytes written (a view: later writes may reuse or replace the memory behind it). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

import { isUtf8 } from 'node:buffer';

/**
 * The two legacy code pages of French accounting software, decoded so that every byte becomes one character and
 * back again: nothing is lost and nothing becomes U+FFFD. iconv-lite turns the five bytes Windows-1252 leaves
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) into U+FFFD; here they keep their ISO-8859-1 meaning (the C1 control
 * of the same number), as the WHATWG Encoding Standard does.
 */
export const LegacyEncoding = { WINDOWS_1252: 'windows-1252', ISO_8859_15: 'iso-8859-15' } as const;
export type LegacyEncoding = (typeof LegacyEncoding)[keyof typeof LegacyEncoding];

/** Windows-1252 from 0x80 to 0x9F. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
] as const;

/** The eight places where ISO-8859-15 differs from ISO-8859-1 (the euro sign, Š, Ž, Œ, Ÿ…). */
const ISO_8859_15_CHANGES = new Map<number, number>([
  [0xa4, 0x20ac],
  [0xa6, 0x0160],
  [0xa8, 0x0161],
  [0xb4, 0x017d],
  [0xb8, 0x017e],
  [0xbc, 0x0152],
  [0xbd, 0x0153],
  [0xbe, 0x0178],
]);

const windows1252Table = Array.from({ length: 256 }, (_, byte) =>
  String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? (WINDOWS_1252_HIGH[byte - 0x80] as number) : byte),
);
const iso885915Table = Array.from({ length: 256 }, (_, byte) =>
  String.fromCharCode(ISO_8859_15_CHANGES.get(byte) ?? byte),
);

/** Decodes bytes of a single-byte legacy code page, one character per byte. */
export const decodeLegacy = (bytes: Uint8Array, encoding: LegacyEncoding): string => {
  const table = encoding === LegacyEncoding.WINDOWS_1252 ? windows1252Table : iso885915Table;
  let text = '';
  for (let index = 0; index < bytes.length; index += 1) text += table[bytes[index] as number] as string;
  return text;
};

/** The inverse of `decodeLegacy`: proves (in tests) that a decoded line gives back its bytes. */
export const encodeLegacy = (text: string, encoding: LegacyEncoding): Buffer => {
  const table = encoding === LegacyEncoding.WINDOWS_1252 ? windows1252Table : iso885915Table;
  const byteOf = new Map(table.map((char, byte) => [char, byte]));
  return Buffer.from(Array.from(text, (char) => byteOf.get(char) ?? 0x3f));
};

/** Lines kept by number for a notice; past them, a count says the rest. */
const FIRST_LINES_KEPT = 5;

/**
 * Reads the lines of a file meant to be UTF-8 that may hold lines from a legacy system (a UTF-8 export with lines
 * pasted from an old one): a line as UTF-8 when its bytes are valid UTF-8, else in the legacy code page, one
 * character per byte, so nothing is lost. Counts the lines read in the legacy code page and keeps the numbers of
 * the first few, for the notice that names them. The FEC readers and the CSV reader of a mixed file share it.
 */
export const createLineFallback = (legacy: LegacyEncoding) => {
  let count = 0;
  let wasLegacy = false;
  const firstLines: number[] = [];
  return {
    legacy,
    /** One line's bytes (no line ending needed) as text. */
    decode(bytes: Buffer, line: number): string {
      wasLegacy = !isUtf8(bytes);
      if (!wasLegacy) return bytes.toString('utf8');
      count += 1;
      if (firstLines.length < FIRST_LINES_KEPT) firstLines.push(line);
      return decodeLegacy(bytes, legacy);
    },
    /** Whether the line last decoded was read in the legacy code page. */
    get wasLegacy(): boolean {
      return wasLegacy;
    },
    /** Lines read in the legacy code page so far. */
    get count(): number {
      return count;
    },
    /** The first of them (at most FIRST_LINES_KEPT). */
    firstLines: firstLines as readonly number[],
  };
};

export type LineFallback = ReturnType<typeof createLineFallback>;

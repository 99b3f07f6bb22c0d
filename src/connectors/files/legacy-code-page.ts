import { isUtf8 } from 'node:buffer';

/**
 * The legacy code pages of French accounting software, decoded so that every byte becomes one character and back
 * again: nothing is lost and nothing becomes U+FFFD. Windows-1252 and ISO-8859-15 for Windows-era software; IBM 850,
 * the DOS code page of Western Europe, for exports of DOS-era packages (`Soci\x82t\x82` is "Société" there).
 * iconv-lite turns the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) into U+FFFD; here
 * they keep their ISO-8859-1 meaning (the C1 control of the same number), as the WHATWG Encoding Standard does.
 */
export const LegacyEncoding = {
  WINDOWS_1252: 'windows-1252',
  ISO_8859_15: 'iso-8859-15',
  IBM_850: 'ibm850',
} as const;
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

/** IBM 850 from 0x80 to 0xFF (its first half is ASCII); the last two are a soft hyphen and a no-break space. */
const IBM_850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

const tables: Readonly<Record<LegacyEncoding, readonly string[]>> = {
  'windows-1252': Array.from({ length: 256 }, (_, byte) =>
    String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? (WINDOWS_1252_HIGH[byte - 0x80] as number) : byte),
  ),
  'iso-8859-15': Array.from({ length: 256 }, (_, byte) =>
    String.fromCharCode(ISO_8859_15_CHANGES.get(byte) ?? byte),
  ),
  ibm850: Array.from({ length: 256 }, (_, byte) =>
    byte < 0x80 ? String.fromCharCode(byte) : (IBM_850_HIGH[byte - 0x80] as string),
  ),
};

/** Decodes bytes of a single-byte legacy code page, one character per byte. */
export const decodeLegacy = (bytes: Uint8Array, encoding: LegacyEncoding): string => {
  const table = tables[encoding];
  let text = '';
  for (let index = 0; index < bytes.length; index += 1) text += table[bytes[index] as number] as string;
  return text;
};

/** The inverse of `decodeLegacy`: proves (in tests) that a decoded line gives back its bytes. */
export const encodeLegacy = (text: string, encoding: LegacyEncoding): Buffer => {
  const table = tables[encoding];
  const byteOf = new Map(table.map((char, byte) => [char, byte]));
  return Buffer.from(Array.from(text, (char) => byteOf.get(char) ?? 0x3f));
};

export const LEGACY_ENCODING_NAMES: Readonly<Record<LegacyEncoding, string>> = {
  'windows-1252': 'Windows-1252',
  'iso-8859-15': 'ISO-8859-15',
  ibm850: 'IBM 850 (DOS)',
};

/** The legacy code page of a file's bytes that are not UTF-8, and why, in words a person can check in the file. */
export interface LegacyChoice {
  readonly encoding: LegacyEncoding;
  readonly why: string;
}

/** Š, š, ž, Œ, œ, Ÿ in ISO-8859-15; ¦, ¨, ¸, ¼, ½, ¾ in Windows-1252 (0xA4 and 0xB4 are judged apart). */
const ISO_8859_15_LETTERS: ReadonlySet<number> = new Set([0xa6, 0xa8, 0xb8, 0xbc, 0xbd, 0xbe]);
const EURO_IN_ISO_8859_15 = 0xa4;
/** ¼ ½ ¾ in Windows-1252: after a figure they are fractions ("1½"), not letters. */
const isFraction = (byte: number): boolean => byte >= 0xbc && byte <= 0xbe;

/** An ASCII letter, or a letter both code pages put at the same byte (À to ÿ but × and ÷). */
const isLetter = (byte: number | undefined): boolean =>
  byte !== undefined &&
  ((byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0xc0 && byte !== 0xd7 && byte !== 0xf7));
const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/** What a file gets when no byte tells the two apart. */
export const DEFAULT_LEGACY_CHOICE: LegacyChoice = {
  encoding: 'windows-1252',
  why: 'the usual legacy code page: no byte reads as €, Š, š, ž, Œ, œ or Ÿ of ISO-8859-15 next to a letter or figure',
};

const hex = (byte: number): string => `0x${byte.toString(16).toUpperCase()}`;

/**
 * é â ç ê ë ï ô in IBM 850, where Windows-1252 has punctuation (‚ ƒ ‡ ˆ ‰ ‹ “): small letters, so inside a word they
 * come before a small letter ("Soci‚t‚"), where the punctuation does not. Not among them: à (0x85, … in
 * Windows-1252, which Word writes between letters: "A…Z"), û and ù (0x96, 0x97: – and —, which may join two words),
 * ’ (0x92, an apostrophe inside words), and Ç and É, capitals (see isIbm850Letter).
 */
const IBM_850_LETTERS: ReadonlySet<number> = new Set([0x82, 0x83, 0x87, 0x88, 0x89, 0x8b, 0x93]);
/** Ç in IBM 850, € in Windows-1252 ("50 k€HT"): counted only inside a word of capitals ("FRANÇAIS"). */
const IBM_850_CAPITAL_C_CEDILLA = 0x80;
/** è and î in IBM 850, Š and Œ in Windows-1252 (capitals, so never before a small letter inside a word: "CŒUR"). */
const IBM_850_SMALL_LETTERS: ReadonlySet<number> = new Set([0x8a, 0x8c]);
const IBM_850_SMALL_E_GRAVE = 0x8a;
/**
 * Capitals of IBM 850 that Windows-1252 reads as a sign or a small letter: Â (¶), Ê (Ò), Ô (â), Û (ê). Between two
 * capitals ("H\xE2TEL" is "HÔTEL" there, "HâTEL" in Windows-1252), a DOS export's letter. Not È (0xD4, Ô in
 * Windows-1252: "HÔTEL") nor Î (0xD7, ×, which joins dimensions: "L×H").
 */
const IBM_850_CAPITALS: ReadonlySet<number> = new Set([0xb6, 0xd2, 0xe2, 0xea]);
/** Bytes Windows-1252 leaves undefined (control codes in ISO-8859-15), letters in IBM 850 (ü ì Å É Ø). */
const UNDEFINED_IN_WINDOWS_1252: ReadonlySet<number> = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
const ACUTE_E_IN_IBM_850 = 0x82;
/**
 * Capital letters in Windows-1252 (0xC0-0xDF) that IBM 850 reads as box drawings or signs, not as its own capitals
 * (Ã Ê Ë È Í Î Ï Ì at 0xC7, 0xD2-0xD8 and 0xDE), nor × (0xD7).
 */
const LATIN_ONLY_CAPITALS: ReadonlySet<number> = new Set(
  Array.from({ length: 32 }, (_, offset) => 0xc0 + offset).filter(
    (byte) => ![0xc7, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xde].includes(byte),
  ),
);
const isAsciiLetter = (byte: number | undefined): boolean =>
  byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));
const isSmallAsciiLetter = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= 0x61 && byte <= 0x7a;
const isCapitalAsciiLetter = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= 0x41 && byte <= 0x5a;
const inIbm850Word = (byte: number | undefined): boolean =>
  isAsciiLetter(byte) ||
  IBM_850_LETTERS.has(byte as number) ||
  IBM_850_SMALL_LETTERS.has(byte as number) ||
  UNDEFINED_IN_WINDOWS_1252.has(byte as number);

/** An ASCII letter or a letter of IBM_850_LETTERS: a run of undefined bytes alone is noise, not a word. */
const isLetterOfWord = (byte: number | undefined): boolean =>
  isAsciiLetter(byte) ||
  (IBM_850_LETTERS.has(byte as number) && !UNDEFINED_IN_WINDOWS_1252.has(byte as number));

/** Whether a byte not part of UTF-8, with its neighbours, reads as a letter of IBM 850 and not of Windows-1252. */
const isIbm850Letter = (bytes: Buffer, index: number): boolean => {
  const byte = bytes[index] as number;
  const before = bytes[index - 1];
  const after = bytes[index + 1];
  if (UNDEFINED_IN_WINDOWS_1252.has(byte)) return isLetterOfWord(before) || isLetterOfWord(after);
  if (byte === ACUTE_E_IN_IBM_850 && inIbm850Word(before) && !isCapitalAsciiLetter(after)) return true; // "santé"
  if (IBM_850_LETTERS.has(byte))
    return inIbm850Word(before) && (isSmallAsciiLetter(after) || IBM_850_LETTERS.has(after as number));
  if (IBM_850_SMALL_LETTERS.has(byte)) return isAsciiLetter(before) && isSmallAsciiLetter(after);
  if (byte === IBM_850_CAPITAL_C_CEDILLA)
    return (
      isCapitalAsciiLetter(bytes[index - 2]) && isCapitalAsciiLetter(before) && isCapitalAsciiLetter(after)
    );
  // "2ème": è after a figure, where Windows-1252's Š never stands.
  if (byte === IBM_850_SMALL_E_GRAVE && isDigit(before) && isSmallAsciiLetter(after)) return true;
  return IBM_850_CAPITALS.has(byte) && isCapitalAsciiLetter(before) && isCapitalAsciiLetter(after);
};

/**
 * Whether a byte, with its neighbours, reads as a letter of Windows-1252 that IBM 850 does not have there: a small
 * letter (0xE0-0xFF: é è à ç…) between small letters, or a capital IBM 850 draws as a box (É is ╔) between capitals.
 */
const isLatinOnlyLetter = (byte: number, before: number | undefined, after: number | undefined): boolean =>
  (byte >= 0xe0 && byte !== 0xf7 && isSmallAsciiLetter(before) && isSmallAsciiLetter(after)) ||
  (LATIN_ONLY_CAPITALS.has(byte) && isCapitalAsciiLetter(before) && isCapitalAsciiLetter(after));

/** The word around `index` (letters, figures and the bytes judged), as each code page reads it. */
const wordAround = (
  bytes: Buffer,
  index: number,
  encoding: LegacyEncoding,
  judged: LegacyEncoding = encoding,
): string => {
  const inWord = (byte: number | undefined) =>
    isLetter(byte) ||
    isDigit(byte) ||
    byte === EURO_IN_ISO_8859_15 ||
    ISO_8859_15_LETTERS.has(byte as number) ||
    (judged === LegacyEncoding.IBM_850 && inIbm850Word(byte));
  let start = index;
  while (start > 0 && index - start < 12 && inWord(bytes[start - 1])) start -= 1;
  let end = index + 1;
  while (end < bytes.length && end - index < 12 && inWord(bytes[end])) end += 1;
  return decodeLegacy(bytes.subarray(start, end), encoding);
};

/**
 * Tells the legacy code pages apart by the bytes of a sample that are not UTF-8, which the caller hands over one
 * by one: cheap, and explainable in one sentence. IBM 850 first, when at least two bytes inside words read as its
 * letters (é is 0x82 there, ‚ in Windows-1252: "Soci‚t‚"; see isIbm850Letter), and more than read as letters of
 * Windows-1252 that IBM 850 lacks there (see isLatinOnlyLetter). Then Windows-1252 against ISO-8859-15: a byte 0x80 to 0x9F says Windows-1252 (€ ’ “ ” … there, control
 * codes nobody writes in ISO-8859-15). Else the two differ only at eight bytes, and a byte that reads as a letter
 * next to a letter in ISO-8859-15 says ISO-8859-15 ("C½ur" is "Cœur"), but ¼ ½ ¾ after a figure (fractions). 0xA4
 * next to a figure, a space or a letter counts too: it is € in ISO-8859-15 and ¤ in Windows-1252, a sign nobody
 * writes in an amount, and a Windows-1252 file writes its € as 0x80, which decides first. 0xB4 counts for nothing:
 * ´ typed as an apostrophe (l´école) is Windows-1252 text, and Ž is rare in French. Without either, Windows-1252.
 */
export const createLegacyEvidence = () => {
  let control: { bytes: Buffer; index: number } | undefined;
  let letter: { bytes: Buffer; index: number } | undefined;
  /** Bytes inside words that are letters in IBM 850 only (the first kept), and those that are Windows-1252 letters. */
  let ibm850Letters = 0;
  let ibm850First: { bytes: Buffer; index: number } | undefined;
  let latinLetters = 0;
  /** The code page the bytes seen say, or undefined when none said anything (`Hélène` reads alike in both). */
  const decisive = (): LegacyChoice | undefined => {
    // Two at least: one Windows-1252 punctuation mark glued to a word ("Paris‚ France", "dit“oui") is not a DOS file.
    if (ibm850First !== undefined && ibm850Letters >= 2 && ibm850Letters > latinLetters) {
      const { bytes, index } = ibm850First;
      return {
        encoding: LegacyEncoding.IBM_850,
        why: `byte ${hex(bytes[index] as number)} reads "${wordAround(bytes, index, LegacyEncoding.IBM_850)}" in IBM 850 (DOS), "${wordAround(bytes, index, LegacyEncoding.WINDOWS_1252, LegacyEncoding.IBM_850)}" in Windows-1252; ${ibm850Letters} letter${ibm850Letters === 1 ? '' : 's'} of IBM 850 inside words, against ${latinLetters} of Windows-1252`,
      };
    }
    if (control !== undefined) {
      const byte = control.bytes[control.index] as number;
      const char = decodeLegacy(control.bytes.subarray(control.index, control.index + 1), 'windows-1252');
      return {
        encoding: 'windows-1252',
        why: `byte ${hex(byte)} is ${char} in Windows-1252, a control code in ISO-8859-15`,
      };
    }
    if (letter !== undefined) {
      const { bytes, index } = letter;
      return {
        encoding: 'iso-8859-15',
        why: `byte ${hex(bytes[index] as number)} reads "${wordAround(bytes, index, 'iso-8859-15')}" in ISO-8859-15, "${wordAround(bytes, index, 'windows-1252')}" in Windows-1252, and no byte 0x80-0x9F says Windows-1252`,
      };
    }
    return undefined;
  };
  return {
    /** A byte of `bytes` at `index` that is not part of UTF-8. */
    see(bytes: Buffer, index: number): void {
      const byte = bytes[index] as number;
      const before = bytes[index - 1];
      const after = bytes[index + 1];
      if (isIbm850Letter(bytes, index)) {
        // A byte Windows-1252 leaves undefined says more than one that is punctuation there (a glued “ or ‡).
        ibm850Letters += UNDEFINED_IN_WINDOWS_1252.has(byte) ? 2 : 1;
        ibm850First ??= { bytes, index };
      } else if (isLatinOnlyLetter(byte, before, after)) {
        latinLetters += 1;
      }
      if (byte >= 0x80 && byte <= 0x9f) {
        control ??= { bytes, index };
        return;
      }
      if (letter !== undefined) return;
      const nearAmount = (near: number | undefined) => isLetter(near) || isDigit(near) || near === 0x20;
      const isSign =
        byte === EURO_IN_ISO_8859_15
          ? nearAmount(before) || nearAmount(after)
          : ISO_8859_15_LETTERS.has(byte) &&
            (isLetter(before) || isLetter(after)) &&
            !(isFraction(byte) && isDigit(before));
      if (isSign) letter = { bytes, index };
    },
    /** The code page when the bytes seen say; else Windows-1252, the usual one. */
    choose: (): LegacyChoice => decisive() ?? DEFAULT_LEGACY_CHOICE,
    decisive,
  };
};

export type LegacyEvidence = ReturnType<typeof createLegacyEvidence>;

/**
 * Counts well-formed multi-byte UTF-8 sequences and bytes that cannot be UTF-8, and shows the latter to `legacy`,
 * which judges their code page. A sequence cut by the end of the sample is neither: the sample is only the start of
 * the file.
 */
export const utf8Evidence = (bytes: Buffer, legacy: LegacyEvidence): { valid: number; invalid: number } => {
  let valid = 0;
  let invalid = 0;
  let index = 0;
  const length = bytes.length;
  while (index < length) {
    const lead = bytes[index] as number;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const size =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (size === 0) {
      legacy.see(bytes, index);
      invalid += 1;
      index += 1;
      continue;
    }
    if (index + size > length) break;
    let continuation = 1;
    while (continuation < size && ((bytes[index + continuation] as number) & 0xc0) === 0x80)
      continuation += 1;
    if (continuation === size) {
      valid += 1;
      index += size;
    } else {
      legacy.see(bytes, index);
      invalid += 1;
      index += 1;
    }
  }
  return { valid, invalid };
};

/**
 * The legacy code page that the bytes of `bytes` that are not UTF-8 say (see createLegacyEvidence), or undefined
 * when they say nothing: valid UTF-8, a sequence cut by the end of a sample, or letters both code pages share.
 */
export const legacyEncodingOf = (bytes: Buffer): LegacyChoice | undefined => {
  if (isUtf8(bytes)) return undefined;
  const legacy = createLegacyEvidence();
  utf8Evidence(bytes, legacy);
  return legacy.decisive();
};

/** Lines kept by number for a notice; past them, a count says the rest. */
const FIRST_LINES_KEPT = 5;

/**
 * Reads the lines of a file meant to be UTF-8 that may hold lines from a legacy system (a UTF-8 export with lines
 * pasted from an old one): a line as UTF-8 when its bytes are valid UTF-8, else in the legacy code page, one
 * character per byte, so nothing is lost. The code page is `legacy` (judged from the file's first bytes, or
 * declared) or, without it, judged from the legacy lines read so far, once their bytes say which (first bytes all
 * UTF-8, or holding only letters the code pages share, told nothing); Windows-1252 until they do. Counts the lines
 * read in the legacy code page and keeps the numbers of the first few, for the notice that names them. The FEC
 * readers and the CSV reader share it.
 */
export const createLineFallback = (legacy?: LegacyChoice) => {
  let choice = legacy;
  // The legacy lines seen until one says: judged together, so that a line's Windows-1252 letters still count
  // against a later line's lone IBM 850 one.
  const evidence = createLegacyEvidence();
  let count = 0;
  let wasLegacy = false;
  const firstLines: number[] = [];
  return {
    /** One line's bytes (no line ending needed) as text. */
    decode(bytes: Buffer, line: number): string {
      wasLegacy = !isUtf8(bytes);
      if (!wasLegacy) return bytes.toString('utf8');
      // Judged once the lines so far say; the lines before read alike in the code pages (or nearly: ¼ ½ ¾ after a
      // figure, which are fractions in Windows-1252).
      if (choice === undefined) {
        utf8Evidence(bytes, evidence);
        choice = evidence.decisive();
      }
      count += 1;
      if (firstLines.length < FIRST_LINES_KEPT) firstLines.push(line);
      return decodeLegacy(bytes, (choice ?? DEFAULT_LEGACY_CHOICE).encoding);
    },
    /** Whether the line last decoded was read in the legacy code page. */
    get wasLegacy(): boolean {
      return wasLegacy;
    },
    /** The legacy code page and why: given, judged from a line, or Windows-1252 while no line has said. */
    get choice(): LegacyChoice {
      return choice ?? DEFAULT_LEGACY_CHOICE;
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

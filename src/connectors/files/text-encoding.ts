import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { createRequire } from 'node:module';
import type { SourceNotice } from '../../core/record-source.js';
import type Iconv from 'iconv-lite';
import {
  createLegacyEvidence,
  LEGACY_ENCODING_NAMES,
  utf8Evidence,
  type LegacyChoice,
} from './legacy-code-page.js';

/** iconv-lite (CommonJS) loads with the first legacy code page to decode: most files are UTF-8. */
const require = createRequire(import.meta.url);
let iconvModule: typeof Iconv | undefined;
const iconv = () => (iconvModule ??= require('iconv-lite') as typeof Iconv);

/** Encodings the plan can declare (`auto` aside), plus UTF-16, which `auto` finds by its byte-order mark. */
export type TextEncoding =
  'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-15' | 'iso-8859-1' | 'ibm850';
export type DeclaredEncoding = 'auto' | 'utf-8' | 'windows-1252' | 'iso-8859-15' | 'iso-8859-1' | 'ibm850';

export interface EncodingChoice {
  readonly encoding: TextEncoding;
  /** Bytes of byte-order mark to skip at the start of the file. */
  readonly bomLength: number;
  /** Something a person should know about the choice (fallback, mark contradicting the plan). */
  readonly notice?: SourceNotice;
  /**
   * A UTF-8 file that may hold lines in a legacy code page (two exports pasted together, or an export whose first
   * lines happen to be ASCII): its lines that are not valid UTF-8 are read in a legacy code page, the others as
   * UTF-8.
   */
  readonly legacyLines?: LegacyLines;
}

/**
 * The code page of a UTF-8 file's lines that are not UTF-8: judged from its first bytes, or `later`, from the first
 * such line, when every byte of the sample was UTF-8.
 */
export type LegacyLines = LegacyChoice | 'later';

/** Bytes looked at before reading: enough to see past an ASCII-only header and first rows when guessing encoding. */
export const ENCODING_SAMPLE_BYTES = 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export type Utf16Encoding = 'utf-16le' | 'utf-16be';

/** Which UTF-16 a file is, and the bytes of byte-order mark it starts with (0: its mark is missing). */
export interface Utf16Start {
  readonly encoding: Utf16Encoding;
  readonly bomLength: number;
}

/** The UTF-16 a file's byte-order mark says it is, if any. */
export const utf16ByBom = (head: Buffer): Utf16Start | undefined => {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return undefined;
};

/**
 * Characters of a file's first line (at most) that must all have a NUL half for it to be taken for UTF-16 without
 * its mark; at least two before its line break.
 */
const UTF16_WITHOUT_BOM_CHARACTERS = 32;

/**
 * The UTF-16 a file without byte-order mark is, told by its first characters (its header: column names in Latin
 * letters, digits and punctuation) each having one NUL byte on the same side: LE `xx 00`, BE `00 xx`. SQL Server's
 * `bcp -w` and .NET's Encoding.Unicode write such files. No UTF-8 or legacy text has a NUL every other byte over its
 * first line, while read as such the file had a NUL in every column name and no column the plan names.
 */
const utf16ByNulBytes = (head: Buffer): Utf16Start | undefined => {
  const characters = Math.min(UTF16_WITHOUT_BOM_CHARACTERS, Math.floor(head.length / 2));
  if (characters < 2) return undefined;
  let little = true;
  let big = true;
  for (let index = 0; index < characters * 2 && (little || big); index += 2) {
    const low = head[index] as number;
    const high = head[index + 1] as number;
    // The header's line ends the test: the rows after it may hold any character.
    if (
      index >= 4 &&
      ((high === 0 && (low === 0x0a || low === 0x0d)) || (low === 0 && (high === 0x0a || high === 0x0d)))
    )
      break;
    little &&= low !== 0 && high === 0;
    big &&= low === 0 && high !== 0;
  }
  if (little) return { encoding: 'utf-16le', bomLength: 0 };
  if (big) return { encoding: 'utf-16be', bomLength: 0 };
  return undefined;
};

const startsWith = (bytes: Buffer, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);

/**
 * Chooses how to decode a file from its first bytes. `auto`: a UTF-16 byte-order mark decides, or the NUL bytes of
 * UTF-16 written without one (see utf16ByNulBytes); else UTF-8 when the
 * sample is valid UTF-8, any later line that is not read in a legacy code page (`headIsWholeFile`: there is none);
 * else, when it holds well-formed multi-byte UTF-8 (or starts with a UTF-8 byte-order mark)
 * besides bytes that cannot be UTF-8, UTF-8 with its lines that are not UTF-8 read in a legacy code page (a UTF-8
 * file with lines pasted from an old system: reading it all as Windows-1252 would silently turn every correct `é`
 * into `Ã©`); else a legacy code page. Which one, for the whole file or its lines that are not UTF-8, is judged by the
 * bytes that are not UTF-8 (see createLegacyEvidence): Windows-1252, the legacy code page of French and Western
 * European software, unless they read as ISO-8859-15's œ, Œ, Š or € and nothing says Windows-1252. A plan that
 * declares `utf-8` gets UTF-8 throughout, its invalid bytes rejected as INVALID_ENCODING.
 */
export const chooseEncoding = (
  head: Buffer,
  declared: DeclaredEncoding,
  source: string,
  headIsWholeFile = false,
): EncodingChoice => {
  const hasUtf8Bom = startsWith(head, UTF8_BOM);
  if (declared !== 'auto') {
    if (hasUtf8Bom && declared !== 'utf-8') {
      return {
        encoding: declared,
        bomLength: 0,
        notice: {
          code: 'ENCODING_MISMATCH',
          message: `${source} starts with a UTF-8 byte-order mark but the plan declares ${declared}; read as ${declared}`,
        },
      };
    }
    return { encoding: declared, bomLength: hasUtf8Bom ? 3 : 0 };
  }
  const utf16 = utf16ByBom(head);
  if (utf16 !== undefined) return utf16;
  const unmarked = utf16ByNulBytes(head);
  if (unmarked !== undefined) {
    return {
      ...unmarked,
      notice: {
        code: 'ENCODING_UTF16',
        message: `${source} is ${unmarked.encoding.toUpperCase()} without byte-order mark (its NUL bytes say so): read as such`,
      },
    };
  }
  const bomLength = hasUtf8Bom ? 3 : 0;
  const sample = head.subarray(bomLength);
  // A sample of UTF-8 says nothing of the lines past it: one of them may still come from a legacy system. A whole
  // file has no such line (a last character cut short is rejected as such).
  const utf8: EncodingChoice = headIsWholeFile
    ? { encoding: 'utf-8', bomLength }
    : { encoding: 'utf-8', bomLength, legacyLines: 'later' };
  if (isUtf8(sample)) return utf8;
  const legacy = createLegacyEvidence();
  const { valid, invalid } = utf8Evidence(sample, legacy);
  // A sequence cut by the end of the sample only.
  if (invalid === 0) return utf8;
  // Its legacy lines are judged now if the sample's say which code page, else by the first line that does.
  if (valid > 0 || hasUtf8Bom)
    return { encoding: 'utf-8', bomLength, legacyLines: legacy.decisive() ?? 'later' };
  const legacyChoice = legacy.choose();
  return {
    encoding: legacyChoice.encoding,
    bomLength: 0,
    notice: {
      code: 'ENCODING_FALLBACK',
      message: `${source} is not valid UTF-8: read as ${LEGACY_ENCODING_NAMES[legacyChoice.encoding]} (${legacyChoice.why})`,
    },
  };
};

/** Decodes a byte stream chunk by chunk; a character cut between two chunks is kept for the next one. */
export interface ChunkDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/** The code page Node's WHATWG decoders lack. */
const iconvName: Record<'ibm850', string> = { ibm850: 'cp850' };

/**
 * Node's own decoders where they exist, iconv-lite for IBM 850, which Node lacks. Bytes that are not UTF-8 (or
 * UTF-16) become U+FFFD, which the readers turn into INVALID_ENCODING; the legacy code pages decode every byte.
 * UTF-8 goes through TextDecoder: on the 64 KiB chunks of a file it decodes 1.7 times as fast as StringDecoder (1M contacts, 132 MB: 120 ms against 205 ms); a byte-order mark is the
 * caller's to skip, so TextDecoder must not drop one.
 */
export const createChunkDecoder = (encoding: TextEncoding): ChunkDecoder => {
  switch (encoding) {
    case 'utf-8': {
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
    }
    case 'utf-16le': {
      const decoder = new StringDecoder('utf16le');
      return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() };
    }
    case 'iso-8859-1':
      return { write: (bytes) => bytes.toString('latin1'), end: () => '' };
    case 'windows-1252':
    case 'iso-8859-15':
    case 'utf-16be': {
      // The WHATWG decoders lose no byte (Windows-1252's five undefined bytes stay the C1 controls of the same
      // number, as the FEC reader's tables keep them; iconv-lite made them U+FFFD, so their rows were rejected),
      // and decode 4 times as fast (100 MB: 80 ms against 340 ms).
      const decoder = new TextDecoder(encoding, { ignoreBOM: true });
      return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
    }
    case 'ibm850': {
      const decoder = iconv().getDecoder(iconvName[encoding]);
      return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' };
    }
  }
};

/** Decodes bytes that hold whole characters (one line of a file). */
export const decodeBytes = (bytes: Buffer, encoding: TextEncoding): string => {
  switch (encoding) {
    case 'utf-8':
      return bytes.toString('utf8');
    case 'utf-16le':
      return bytes.toString('utf16le');
    case 'iso-8859-1':
      return bytes.toString('latin1');
    case 'ibm850':
      return iconv().decode(bytes, iconvName[encoding]);
    default:
      return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  }
};

export const REPLACEMENT_CHARACTER = '\uFFFD';

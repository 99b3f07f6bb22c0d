import { REPLACEMENT_CHARACTER, type TextEncoding } from './text-encoding.js';

/** U+FFFD written in UTF-8: a character a file may hold, unlike the U+FFFD a decoder writes for invalid bytes. */
const UTF8_REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

const occurrences = (text: string, of: string): number => {
  let count = 0;
  for (let at = text.indexOf(of); at !== -1; at = text.indexOf(of, at + of.length)) count++;
  return count;
};

const byteOccurrences = (bytes: Buffer, of: Buffer): number => {
  let count = 0;
  for (let at = bytes.indexOf(of); at !== -1; at = bytes.indexOf(of, at + of.length)) count++;
  return count;
};

/**
 * Tells, chunk by chunk, whether decoding has lost bytes so far: whether the decoded text holds more U+FFFD than
 * the file wrote as characters. A decoder turns invalid bytes into U+FFFD, so a file that holds U+FFFD itself (a
 * UTF-8 export of text that had already lost a character once) would otherwise have its rows rejected
 * INVALID_ENCODING though every byte is valid. Bytes are counted only for chunks whose text holds U+FFFD, with the
 * two bytes before the chunk, where a character split between chunks begins. The count is per chunk (the first MiB
 * is one): in the rare file holding both, rows with a U+FFFD character from the chunk of the first invalid byte on are
 * rejected too, the safe side.
 */
export const createDecodingLosses = (encoding: TextEncoding) => {
  let decoded = 0;
  let written = 0;
  let tail: Buffer = Buffer.alloc(0);
  return {
    /** Counts a chunk and the text it decoded to; true once any U+FFFD so far came from invalid bytes. */
    add(chunk: Buffer, text: string): boolean {
      if (text.includes(REPLACEMENT_CHARACTER)) {
        decoded += occurrences(text, REPLACEMENT_CHARACTER);
        if (encoding === 'utf-8') written += byteOccurrences(Buffer.concat([tail, chunk]), UTF8_REPLACEMENT);
      }
      tail = chunk.subarray(Math.max(0, chunk.length - 2));
      return decoded > written;
    },
  };
};

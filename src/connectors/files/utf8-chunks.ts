import { peekChunks } from './read-chunks.js';
import { createChunkDecoder } from './text-encoding.js';

export type Utf16Encoding = 'utf-16le' | 'utf-16be';

const BOM_BYTES = 2;

const utf16ByBom = (head: Buffer): Utf16Encoding | undefined => {
  if (head.length < BOM_BYTES) return undefined;
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
};

/**
 * The FEC readers cut bytes into lines before decoding, which only works for an encoding where a line break is the
 * byte LF: UTF-8 and the legacy code pages, not UTF-16 (LF is `0A 00`), which Windows tools write as "Unicode" with a
 * byte-order mark. Such a file is re-encoded as UTF-8 chunk by chunk, its mark dropped (a character cut between two
 * chunks is kept for the next), and `onUtf16` is told which UTF-16 it was before the first chunk is given. Any other
 * file passes through as read.
 */
export async function* asUtf8Chunks(
  chunks: AsyncIterable<Buffer>,
  onUtf16: (encoding: Utf16Encoding) => void,
): AsyncGenerator<Buffer> {
  const { head, all } = await peekChunks(chunks, BOM_BYTES);
  const encoding = utf16ByBom(head);
  if (encoding === undefined) {
    yield* all;
    return;
  }
  onUtf16(encoding);
  const decoder = createChunkDecoder(encoding);
  let skip = BOM_BYTES;
  // Node's UTF-16LE decoder can give the first half of a surrogate pair on its own (chunks cut at an odd byte inside
  // the pair); UTF-8 cannot carry a half (it would become U+FFFD), so it waits for the next chunk's text.
  let highSurrogate = '';
  for await (const chunk of all) {
    const bytes = skip > 0 ? chunk.subarray(Math.min(skip, chunk.length)) : chunk;
    skip -= chunk.length - bytes.length;
    let text = highSurrogate + decoder.write(bytes);
    highSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      highSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text !== '') yield Buffer.from(text, 'utf8');
  }
  const rest = highSurrogate + decoder.end();
  if (rest !== '') yield Buffer.from(rest, 'utf8');
}

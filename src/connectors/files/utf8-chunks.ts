import { peekChunks } from './read-chunks.js';
import { createChunkDecoder, utf16ByBom, type Utf16Encoding, type Utf16Start } from './text-encoding.js';

/** Bytes a file's start is looked at for: a byte-order mark, or the NUL bytes of the first two characters. */
const HEAD_BYTES = 4;

/**
 * The FEC readers cut bytes into lines before decoding, which only works for an encoding where a line break is the
 * byte LF: UTF-8 and the legacy code pages, not UTF-16 (LF is `0A 00`), which Windows tools write as "Unicode" with a
 * byte-order mark. Such a file is re-encoded as UTF-8 chunk by chunk, its mark dropped (a character cut between two
 * chunks is kept for the next), and `onUtf16` is told which UTF-16 it was before the first chunk is given. Any other
 * file passes through as read. `utf16Of` tells UTF-16 from the file's first bytes: by default its byte-order mark.
 */
export async function* asUtf8Chunks(
  chunks: AsyncIterable<Buffer>,
  onUtf16: (encoding: Utf16Encoding, byBom: boolean) => void,
  utf16Of: (head: Buffer) => Utf16Start | undefined = utf16ByBom,
): AsyncGenerator<Buffer> {
  const { head, all } = await peekChunks(chunks, HEAD_BYTES);
  const start = utf16Of(head);
  if (start === undefined) {
    yield* all;
    return;
  }
  const { encoding, bomLength } = start;
  onUtf16(encoding, bomLength > 0);
  const decoder = createChunkDecoder(encoding);
  let skip = bomLength;
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

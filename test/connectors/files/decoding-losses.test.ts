import { describe, expect, it } from 'vitest';
import { createDecodingLosses } from '../../../src/connectors/files/decoding-losses.js';
import { createChunkDecoder } from '../../../src/connectors/files/text-encoding.js';

/** Feeds the bytes through a UTF-8 chunk decoder cut at `cuts`, and says after each chunk whether bytes were lost. */
const lossesAfterEachChunk = (bytes: Buffer, cuts: readonly number[]): boolean[] => {
  const decoder = createChunkDecoder('utf-8');
  const losses = createDecodingLosses('utf-8');
  const bounds = [0, ...cuts, bytes.length];
  const seen: boolean[] = [];
  for (let index = 1; index < bounds.length; index++) {
    const chunk = bytes.subarray(bounds[index - 1], bounds[index]);
    seen.push(losses.add(chunk, decoder.write(chunk)));
  }
  seen.push(losses.add(Buffer.alloc(0), decoder.end()));
  return seen;
};

describe('decoding losses', () => {
  it('counts a U+FFFD written in the file as a character, wherever a chunk boundary cuts its three bytes', () => {
    const bytes = Buffer.from('ab\uFFFDcd');
    for (const cut of [1, 2, 3, 4, 5, 6])
      expect(lossesAfterEachChunk(bytes, [cut])).toEqual([false, false, false]);
  });

  it('says so from the chunk holding an invalid byte on', () => {
    const bytes = Buffer.concat([Buffer.from('a\uFFFDb'), Buffer.from([0xe9]), Buffer.from('c')]);
    expect(lossesAfterEachChunk(bytes, [5])).toEqual([false, true, true]);
  });
});

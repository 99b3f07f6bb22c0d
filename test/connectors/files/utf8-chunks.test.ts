import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { asUtf8Chunks } from '../../../src/connectors/files/utf8-chunks.js';
import type { Utf16Encoding } from '../../../src/connectors/files/text-encoding.js';

/** The chunks as a file stream would give them, cut where the test says. */
const chunksOf = (...parts: Buffer[]): AsyncIterable<Buffer> => Readable.from(parts);

const collect = async (parts: Buffer[]) => {
  const told: Utf16Encoding[] = [];
  const out: Buffer[] = [];
  for await (const chunk of asUtf8Chunks(chunksOf(...parts), (encoding) => told.push(encoding)))
    out.push(chunk);
  return { text: Buffer.concat(out).toString('utf8'), told, chunks: out };
};

/** Cuts bytes into pieces of the given sizes (the rest in one last piece). */
const cut = (bytes: Buffer, ...sizes: number[]): Buffer[] => {
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(bytes.subarray(at, at + size));
    at += size;
  }
  parts.push(bytes.subarray(at));
  return parts;
};

describe('asUtf8Chunks', () => {
  const text = 'JournalCode\tEcritureLib\r\nVTE\tCafé 😀 €\r\n';

  it('re-encodes UTF-16LE and UTF-16BE as UTF-8 without their mark, whatever the chunk cuts (mark, character, surrogate pair)', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const emoji = le.indexOf(Buffer.from('😀', 'utf16le'));
    for (const [bytes, encoding] of [
      [le, 'utf-16le'],
      [be, 'utf-16be'],
    ] as const) {
      for (const parts of [[bytes], cut(bytes, 1, 2), cut(bytes, 3, emoji - 3 + 1, 2)]) {
        expect(await collect(parts)).toMatchObject({ text, told: [encoding] });
      }
    }
  });

  it('passes any other file through as read, and an empty one as nothing', async () => {
    const utf8 = Buffer.from(`\ufeff${text}`, 'utf8');
    const parts = cut(utf8, 1, 5);
    const { chunks, told } = await collect(parts);
    expect(told).toEqual([]);
    expect(Buffer.concat(chunks).equals(utf8)).toBe(true);
    expect(await collect([])).toEqual({ text: '', told: [], chunks: [] });
    expect((await collect([Buffer.from([0xff])])).told).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { csvSource } from '../../src/connectors/files/csv-source.js';
import type { RecordSource } from '../../src/core/record-source.js';
import { createRunEta } from '../../src/pipeline/run/run-eta.js';
import { makeTempDir, writeFixture } from '../connectors/files/file-fixtures.js';

/** A real CSV source of `rows` rows, read as far as `batches` batches of 10 (each read restarts it). */
const csv = async (dir: string, name: string, rows: number) => {
  const text = `id,name\n${Array.from({ length: rows }, (_, i) => `${i},name ${i}`).join('\n')}\n`;
  const file = await writeFixture(dir, name, text);
  const source = csvSource({ type: 'csv', path: name, encoding: 'utf-8', delimiter: ',', quote: '"' }, file);
  return { source, bytes: Buffer.byteLength(text) };
};

const readAll = async (source: RecordSource) => {
  for await (const batch of source.read({ batchSize: 10 })) void batch;
};

describe('the run ETA from bytes', () => {
  it('is elapsed × bytes left / bytes done, units that read nothing and the rest of a stopped dossier left out', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const a = await csv(dir, 'a.csv', 100);
      const b = await csv(dir, 'b.csv', 100);
      const c = await csv(dir, 'c.csv', 300);
      const eta = createRunEta(
        new Map([
          ['d1', a.bytes + b.bytes],
          ['d2', c.bytes + a.bytes],
        ]),
      );
      expect(eta.etaMs(1000)).toBe(undefined);
      eta.startUnit(a.bytes, [a.source]);
      await readAll(a.source);
      // Read to its end, a counts a byte short until it ends: its last batch is still being written.
      expect(eta.etaMs(1000)).toBeCloseTo((1000 * (b.bytes + c.bytes + a.bytes + 1)) / (a.bytes - 1));
      eta.endUnit();
      // Done by an earlier run: nothing read, its bytes leave the estimate.
      eta.startUnit(b.bytes, [b.source]);
      eta.endUnit();
      eta.endDossier('d1');
      expect(eta.etaMs(1000)).toBeCloseTo((1000 * (c.bytes + a.bytes)) / a.bytes);
      // d2 reads c, then stops before its second unit (an unreadable file): the rest of d2 leaves the estimate.
      eta.startUnit(c.bytes, [c.source]);
      await readAll(c.source);
      eta.endUnit();
      eta.endDossier('d2');
      expect(eta.etaMs(1000)).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('is told only once a hundredth of the bytes is read, when the time elapsed is mostly reading, not the start', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const small = await csv(dir, 'small.csv', 10);
      const eta = createRunEta(new Map([['d1', small.bytes * 200]]));
      eta.startUnit(small.bytes, [small.source]);
      await readAll(small.source);
      expect(eta.etaMs(1000)).toBe(undefined);
      eta.endUnit();
      eta.startUnit(small.bytes * 199, [small.source]);
      await readAll(small.source);
      // Two of 200 parts read: past the hundredth.
      expect(eta.etaMs(1000)).toBeCloseTo((1000 * 198) / 2);
    } finally {
      await cleanup();
    }
  });

  it('says some time is left while the last unit, its file read to the end, still writes', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const only = await csv(dir, 'only.csv', 100);
      const eta = createRunEta(new Map([['d1', only.bytes]]));
      eta.startUnit(only.bytes, [only.source]);
      await readAll(only.source);
      expect(eta.etaMs(1000)).toBeGreaterThan(0);
      eta.endUnit();
      expect(eta.etaMs(1000)).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('is undefined when a size is unknown (a database source): the run falls back on dossiers done', () => {
    const eta = createRunEta(undefined);
    eta.startUnit(0, []);
    expect(eta.etaMs(1000)).toBe(undefined);
  });
});

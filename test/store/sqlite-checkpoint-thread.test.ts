import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteTarget } from '../../src/store/target/sqlite-target.js';
import { targetColumns } from '../../src/store/target/target-ddl.js';
import type { TargetRow } from '../../src/store/target/target-store.js';
import { tempDir } from '../support/stores.js';

const builtWriterThread = new URL('../../dist/store/target/sqlite-writer-thread.js', import.meta.url);
const columns = targetColumns('contact').map((column) => column.name);
const note = 'x'.repeat(180);
const contact = (key: string): TargetRow => ({
  sourceKey: key,
  values: columns.map((column) =>
    column === 'job_title' ? `${note} ${key}` : column === 'city' ? 'Lyon' : null,
  ),
});
const walSize = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

const checkpoint = (batch: number) => ({
  runId: 'r1',
  recordsRead: (batch + 1) * 1000,
  loaded: (batch + 1) * 1000,
  skipped: 0,
  rejected: 0,
  repeats: 0,
  mode: 'insert' as const,
  done: false,
});

/**
 * Writes `batches` batches of 1,000 contacts batch after batch, with no pause (a writer that commits all the time,
 * which passive checkpoints never catch), and returns the largest size the log reached after the first batch.
 */
const load = async (target: SqliteTarget, file: string, batches: number): Promise<number> => {
  let largestLog = 0;
  for (let batch = 0; batch < batches; batch++) {
    // The threads start with the first batch; the checkpoint thread takes a moment to load and open the file.
    if (batch === 1) await new Promise((resolve) => setTimeout(resolve, 500));
    const rows = Array.from({ length: 1000 }, (_, index) => contact(`K${batch}-${index}`));
    await target.writeBatch({
      dossier: 'D1',
      entity: 'contact',
      runId: 'r1',
      mode: 'insert',
      rows,
      checkpoint: checkpoint(batch),
      onDuplicates: () => Promise.resolve(),
    });
    if (batch > 0) largestLog = Math.max(largestLog, walSize(file));
  }
  return largestLog;
};

// The checkpoint thread runs beside the writer thread, which runs compiled JavaScript (`npm test` builds first).
describe.runIf(existsSync(fileURLToPath(builtWriterThread)))('SQLite checkpoint thread', () => {
  it('keeps the write-ahead log of a long load bounded while the writer commits, and folds it in at the end', async () => {
    const file = join(tempDir(), 'target.db');
    // 64 frames (256 KB) instead of 16 MB: megabytes of rows cross it many times.
    const target = new SqliteTarget(file, { writerScript: builtWriterThread, walRestartFrames: 64 });
    await target.ensureSchema();
    const largestLog = await load(target, file, 60);
    expect(await target.countRows('contact', 'D1')).toBe(60_000);
    await target.close();
    // About 14 MB of rows went through a log that never held more than a fraction of them (without starting the
    // log over, it holds them all: measured 17 MB). Half, not a third: with the machine's two cores busy, the
    // checkpoint thread lags the writer and the log reached 6.4 MB of 16 (a third was 5.3).
    const written = statSync(file).size;
    expect(written).toBeGreaterThan(12 * 1024 * 1024);
    expect(largestLog).toBeLessThan(written / 2);
    expect(walSize(file)).toBe(0);
  });

  it("falls back to SQLite's own checkpoints when the checkpoint thread fails, and still closes", async () => {
    const folder = tempDir();
    const failing = join(folder, 'failing-checkpoint-thread.mjs');
    writeFileSync(failing, "throw new Error('the checkpoint thread could not start');\n");
    const file = join(folder, 'target.db');
    const target = new SqliteTarget(file, {
      writerScript: builtWriterThread,
      checkpointScript: pathToFileURL(failing),
    });
    await target.ensureSchema();
    const largestLog = await load(target, file, 60);
    expect(await target.countRows('contact', 'D1')).toBe(60_000);
    await target.close();
    // SQLite's automatic checkpoint (1,000 pages, 4 MB) keeps the log near that size, not at the 14 MB loaded.
    expect(largestLog).toBeLessThan(7 * 1024 * 1024);
    expect(walSize(file)).toBe(0);
  });
});

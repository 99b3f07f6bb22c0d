import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../e2e/support/cli.js';
import { tempDir } from '../support/stores.js';

/**
 * Several processes opening one new SQLite file at the same instant: two commands of a plan started together on a
 * new folder, or a `run` and the `ledger` a colleague opens. Before, one of them failed at once with "database is
 * locked" (switching a new file to WAL, and the migration transaction reading then writing, do not wait for the
 * busy timeout). Each child waits for a shared start time, so that the opens race for real.
 */
let folder = '';
let child = '';
beforeAll(() => {
  ensureBuilt();
  folder = tempDir('cutover-concurrent-open-');
  child = path.join(folder, 'open.mjs');
  const dist = (file: string) => JSON.stringify(path.join(repoRoot, 'dist', file));
  writeFileSync(
    child,
    `import { StateStore } from ${dist('store/state/state-store.js')};
import { openSqliteDatabase } from ${dist('store/target/open-sqlite-database.js')};
const [kind, file, plan, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {}
try {
  if (kind === 'state') {
    const store = await StateStore.open(file, { plan });
    await store.servePlan('hash-' + plan, plan, 'text', 'plan');
    await store.close();
  } else {
    const db = openSqliteDatabase(file);
    db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)');
    db.close();
  }
  process.stdout.write('ok');
} catch (error) {
  process.stdout.write('failed: ' + error.message);
}
`,
  );
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const race = async (kind: 'state' | 'target', file: string, plans: readonly string[]): Promise<string[]> => {
  const startAt = Date.now() + 700;
  return Promise.all(
    plans.map(
      (plan) =>
        new Promise<string>((done, fail) => {
          execFile(
            process.execPath,
            [child, kind, file, plan, String(startAt)],
            { cwd: folder },
            (error, stdout) =>
              error === null ? done(stdout) : fail(new Error(`child failed: ${error.message}`)),
          );
        }),
    ),
  );
};

describe('opening a new SQLite file from several processes at once', () => {
  it('opens and migrates the state store in every one of them, round after round', async () => {
    for (let round = 0; round < 4; round++) {
      const results = await race('state', path.join(folder, `state-${round}.db`), ['crm', 'crm', 'crm']);
      expect(results, `round ${round}`).toEqual(['ok', 'ok', 'ok']);
    }
  }, 60_000);

  it('gives a new state store to exactly one of two plans racing for it; the other is told whose it is', async () => {
    for (let round = 0; round < 4; round++) {
      const results = await race('state', path.join(folder, `shared-${round}.db`), ['plan-a', 'plan-b']);
      expect(
        results.filter((result) => result === 'ok'),
        `round ${round}: ${results.join(' / ')}`,
      ).toHaveLength(1);
      expect(results.find((result) => result !== 'ok')).toMatch(
        /^failed: the state store .* belongs to the plan "plan-[ab]", not to "plan-[ab]"/,
      );
    }
  }, 60_000);

  it('opens a new SQLite target in every one of them', async () => {
    for (let round = 0; round < 4; round++) {
      const results = await race('target', path.join(folder, `target-${round}.db`), ['-', '-', '-']);
      expect(results, `round ${round}`).toEqual(['ok', 'ok', 'ok']);
    }
  }, 60_000);
});

import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { defaultStatePath, readLedger, readSqliteTargetRows, writeFiles } from './support/helpers.js';

const ok = (result: CliResult): CliResult => {
  expect(result.code, describeResult(result)).toBe(0);
  return result;
};

// One person typed in three dossiers under the same source key (each dossier numbers its own records).
const honorine = ['north', 'south', 'west'].map(
  (dossier) => `X1,${dossier},Honorine,Quatrefages,1961-04-05,honorine.q@mail.fr,+33611223344,29000,Quimper`,
);

describe('a cluster across three dossiers whose absorbed records share a source key', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('merges every absorbed record the dedupe announced, and none is loaded beside its survivor', async () => {
    const dir = tempDir('cutover-h3-samekey-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, {
      'cutover.yaml': dedupePlan.replace(
        'survivorship: { rule: most_complete }',
        'survivorship: { rule: most_complete }\n      acrossDossiers: true',
      ),
      'contacts.csv': `${dedupeContactsCsv()}${honorine.join('\n')}\n`,
    });
    const plan = path.join(dir, 'cutover.yaml');
    const dedupe = parseJsonStdout<{ merged: number; dossiers: { id: string; merged: number }[] }>(
      ok(await cli(['dedupe', '--entity', 'contact', '--plan', plan, '--json'])),
    );
    expect(dedupe.dossiers.find((dossier) => dossier.id === 'west')?.merged).toBe(1);
    const run = parseJsonStdout<{ records: { merged: number } }>(
      ok(await cli(['run', '--plan', plan, '--json'])),
    );
    expect(run.records.merged).toBe(dedupe.merged);
    const x1 = (await readLedger(defaultStatePath(dir))).filter((entry) => entry.sourceKey === 'X1');
    expect(x1.map((entry) => [entry.dossierId, entry.fate, entry.survivorDossierId])).toEqual([
      ['south', 'merged', 'north'],
      ['west', 'merged', 'north'],
    ]);
    const west = await readSqliteTargetRows(path.join(dir, 'target.db'), 'contact', 'west');
    expect(west.map((row) => row.sourceKey)).toEqual([]);
  }, 180_000);
});

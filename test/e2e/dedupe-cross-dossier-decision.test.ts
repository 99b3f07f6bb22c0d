import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { defaultStatePath, readLedger, writeFiles } from './support/helpers.js';

const ok = (result: CliResult): CliResult => {
  expect(result.code, describeResult(result)).toBe(0);
  return result;
};

describe('a decision across dossiers once the plan no longer matches across dossiers', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('does not merge two clients’ records: dossier boundaries hold without acrossDossiers', async () => {
    const dir = tempDir('cutover-h3-across-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const across = dedupePlan.replace(
      'survivorship: { rule: most_complete }',
      'survivorship: { rule: most_complete }\n      acrossDossiers: true',
    );
    writeFiles(dir, { 'cutover.yaml': across, 'contacts.csv': dedupeContactsCsv() });
    const plan = path.join(dir, 'cutover.yaml');

    // A pilot matched across dossiers: N-B1 (north) and S-B1 (south) merged; a person undid it, then said "same".
    ok(await cli(['dedupe', '--entity', 'contact', '--plan', plan]));
    ok(
      await cli([
        'dedupe',
        'undo',
        '--entity',
        'contact',
        '--survivor',
        'N-B1',
        '--dossier',
        'north',
        '--plan',
        plan,
      ]),
    );
    const decided = parseJsonStdout<{ pairs: { pairId: string; leftKey: string; rightKey: string }[] }>(
      ok(await cli(['review', '--decided', '--plan', plan, '--json'])),
    ).pairs.find((pair) => pair.leftKey === 'N-B1' && pair.rightKey === 'S-B1');
    expect(decided).toBeDefined();
    ok(await cli(['review', 'decide', decided!.pairId, 'same', '--plan', plan]));

    // The firm then keeps each client's data apart: the plan no longer asks for cross-dossier matching.
    writeFiles(dir, { 'cutover.yaml': dedupePlan });
    ok(await cli(['dedupe', '--entity', 'contact', '--plan', plan]));
    const state = await StateStore.open(defaultStatePath(dir));
    const acrossMerges = await state
      .merges({ active: true })
      .then((merges) => merges.filter((merge) => merge.dossierId !== merge.survivorDossierId))
      .finally(() => state.close());
    expect(acrossMerges).toEqual([]);

    ok(await cli(['run', '--plan', plan]));
    const sB1 = (await readLedger(defaultStatePath(dir))).find((entry) => entry.sourceKey === 'S-B1');
    // S-B1 is a row of dossier south, not merged into north/N-B1.
    expect(sB1).toBeUndefined();
  }, 180_000);
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { fec, migrate, resumeFecPlan } from './support/resume-fec-fixture.js';

/**
 * The five accounting entities read one FEC through one shared read: the first entity's read keeps the records and
 * the others replay them. Each unit's stamp of its files was taken when the unit began, so an export written over
 * after the journal read it (the run still going) gave the accounts a stamp of the new file for records of the old
 * one. Killed there and resumed, the accounts were resumed by position on the new file: SOURCE_CHANGED_ON_RESUME
 * was not said, two accounts read again were rejected DUPLICATE_SOURCE_KEY, the new account was taken for one
 * already read (no row, no fate) and its line rejected UNKNOWN_PARENT; exit 0.
 */
const plan = resumeFecPlan('resume-shared-read-stamp');

describe('a FEC refreshed while the run reads it, the run killed and resumed', () => {
  it('reads the accounts again from the start of the new file, as the other entities do', async () => {
    const dir = tempDir('cutover-e2e-resume-stamp-');
    const planFile = path.join(dir, 'cutover.yaml');
    const file = path.join(dir, 'fec', 'D1', '123456789FEC20241231.txt');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(planFile, plan);
    writeFileSync(file, fec(false));

    let accountBatches = 0;
    const killed = await migrate(planFile, (method, args) => {
      // The nightly export lands once the journal has read the file (its records are kept for the accounts).
      if (method === 'finishLoad' && args[1] === 'journal') writeFileSync(file, fec(true));
      return (
        method === 'writeBatch' &&
        (args[0] as { entity: string }).entity === 'account' &&
        ++accountBatches === 2
      );
    });
    expect(killed, 'killed while loading the accounts').toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe(fec(true));

    const resumed = await migrate(planFile);
    expect(resumed!.summary.resumed).toBe(true);
    // As a run that was never interrupted on the new file: every line and account loaded, nothing rejected.
    expect(resumed!.ledger.map((entry) => [entry.entity, entry.sourceKey, entry.reason])).toEqual([]);
    expect(resumed!.summary.records).toMatchObject({ loaded: 1 + 8 + 7 + 14, rejected: 0 });
    expect(resumed!.reconciled.ok, JSON.stringify(resumed!.reconciled.entities)).toBe(true);
  });
});

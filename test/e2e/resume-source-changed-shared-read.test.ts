import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/pipeline/plan/load-plan-file.js';
import { openReconciler } from '../../src/pipeline/reconcile/reconcile.js';
import { openTarget } from '../../src/pipeline/run/open-target.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { StateStore } from '../../src/store/state/state-store.js';
import type { TargetStore } from '../../src/store/target/target-store.js';
import { tempDir } from '../support/stores.js';

/**
 * The five accounting entities read one FEC through one shared read: the first entity's read keeps the records and
 * the others replay them. Each unit's stamp of its files was taken when the unit began, so an export written over
 * after the journal read it (the run still going) gave the accounts a stamp of the new file for records of the old
 * one. Killed there and resumed, the accounts were resumed by position on the new file: SOURCE_CHANGED_ON_RESUME
 * was not said, two accounts read again were rejected DUPLICATE_SOURCE_KEY, the new account was taken for one
 * already read (no row, no fate) and its line rejected UNKNOWN_PARENT; exit 0.
 */

const plan = `version: 1
name: resume-shared-read-stamp
target: { type: sqlite, url: target.db }
batchSize: 2
entities:
  journal:
    source: &fec { type: fec, path: "fec/{dossier}/*FEC*.txt" }
    key: JournalCode
    distinct: true
    fields: { code: JournalCode, label: JournalLib }
  account:
    source: *fec
    key: CompteNum
    distinct: true
    fields: { number: CompteNum, label: CompteLib }
  entry:
    source: *fec
    key: [JournalCode, EcritureNum]
    distinct: true
    fields:
      journal_id: JournalCode
      number: EcritureNum
      date: { from: EcritureDate, formats: [yyyyMMdd], required: true }
  entry_line:
    source: *fec
    key: [JournalCode, EcritureNum, $occurrence]
    fields:
      entry_id: { from: [JournalCode, EcritureNum] }
      account_id: { from: CompteNum, required: true }
      debit: { from: Debit, decimal: ',', required: true }
      credit: { from: Credit, decimal: ',', required: true }
`;

const HEADER =
  'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise';
const line = (num: number, account: string, debit: string, credit: string) =>
  `OD\tOPERATIONS DIVERSES\t${num}\t20240115\t${account}\tCOMPTE ${account}\t\t\tP${num}\t20240115\tLIBELLE\t${debit}\t${credit}\t\t\t20240131\t\t`;
/** Six entries of two lines, each on an account of its own against the bank; refreshed: entry 0 on 622000 at the top. */
const fec = (refreshed: boolean) => {
  const lines = [HEADER];
  if (refreshed) lines.push(line(0, '622000', '10,00', '0,00'), line(0, '512000', '0,00', '10,00'));
  for (let num = 1; num <= 6; num++)
    lines.push(line(num, `60${num}000`, `${num},00`, '0,00'), line(num, '512000', '0,00', `${num},00`));
  return `${lines.join('\n')}\n`;
};

class Killed extends Error {}

/** The target, killed (every call refused from then on) once `kill` says so after a call returned. */
const killable = (target: TargetStore, kill: (method: string, args: unknown[]) => boolean): TargetStore => {
  let dead = false;
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (dead) throw new Killed();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
        if (kill(String(property), args)) {
          dead = true;
          throw new Killed();
        }
        return result;
      };
    },
  });
};

const migrate = async (planFile: string, kill?: (method: string, args: unknown[]) => boolean) => {
  const loaded = await loadPlanFile(planFile);
  const state = await StateStore.open(path.join(path.dirname(planFile), 'state.db'), {
    plan: loaded.plan.name,
  });
  await state.servePlan(loaded.hash, loaded.plan.name, loaded.text);
  const target = await openTarget(loaded);
  try {
    const summary = await runMigration({
      loaded,
      state,
      target: kill === undefined ? target : killable(target, kill),
    });
    const reconciler = await openReconciler({ loaded, state, target });
    const reconciled = await reconciler.reconcileDossier('D1');
    reconciler.close();
    return { summary, reconciled, ledger: await state.ledgerEntries() };
  } catch (error) {
    if (error instanceof Killed) return undefined;
    throw error;
  } finally {
    await target.close();
    await state.close();
  }
};

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

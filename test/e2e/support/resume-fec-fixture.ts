import path from 'node:path';
import { loadPlanFile } from '../../../src/pipeline/plan/load-plan-file.js';
import { openReconciler } from '../../../src/pipeline/reconcile/reconcile.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { runMigration, type RunProgress } from '../../../src/pipeline/run/run-migration.js';
import { StateStore } from '../../../src/store/state/state-store.js';
import type { TargetStore } from '../../../src/store/target/target-store.js';

/**
 * The tests of a resume on a FEC written over: a dossier D1 of six small entries, and a run that a test kills at the
 * call it chooses (the target refuses every call from then on, as a process killed there would leave it), then
 * resumes, reconciling dossier D1 each time.
 */
/** The plan: a FEC's journals, accounts, entries and lines, batches of 2 so that a kill falls mid-entity. */
export const resumeFecPlan = (name: string): string => `version: 1
name: ${name}
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
export const fec = (refreshed: boolean) => {
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

export const migrate = async (
  planFile: string,
  kill?: (method: string, args: unknown[]) => boolean,
  onProgress?: (progress: RunProgress) => void,
) => {
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
      ...(onProgress === undefined ? {} : { onProgress }),
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

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/pipeline/plan/load-plan-file.js';
import { openReconciler } from '../../src/pipeline/reconcile/reconcile.js';
import { openTarget } from '../../src/pipeline/run/open-target.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { StateStore, type LedgerEntry } from '../../src/store/state/state-store.js';
import type { TargetStore } from '../../src/store/target/target-store.js';
import { tempDir } from '../support/stores.js';

/**
 * A resume whose files changed starts the unit at hand over, but the units of the same dossier that this run had
 * already finished are left as they were: the five entities of a FEC read one file, so the journal, accounts and
 * entries loaded from the old export stay, while the lines are read from the new one. The target then mixes two
 * exports: a line on an account the new export adds is rejected UNKNOWN_PARENT, though the account is in the same
 * file, and the ledger's entries of the finished units name lines of the old file. A run never interrupted on the
 * final file loads both.
 */

const plan = `version: 1
name: resume-done-units
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

const HEADER_LINES = (text: string) => text.split('\n').filter((row) => row !== '');
/** The same lines, entry 2's moved to the end of the file (same records, other line numbers). */
const reordered = (text: string) => {
  const [header, ...rows] = HEADER_LINES(text);
  const moved = rows.filter((row) => row.split('\t')[2] === '2');
  return `${[header, ...rows.filter((row) => !moved.includes(row)), ...moved].join('\n')}\n`;
};

const killedInLines = async (dir: string, first: string) => {
  const planFile = path.join(dir, 'cutover.yaml');
  const file = path.join(dir, 'fec', 'D1', '123456789FEC20241231.txt');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(planFile, plan);
  writeFileSync(file, first);
  const killed = await migrate(
    planFile,
    (method, args) => method === 'writeBatch' && (args[0] as { entity: string }).entity === 'entry_line',
  );
  expect(killed, 'killed while loading the lines').toBeUndefined();
  return { planFile, file };
};

describe('a FEC rewritten between a kill in its lines and the resume', () => {
  it('loads the account and entry the new export adds, as a run never interrupted does', async () => {
    const { planFile, file } = await killedInLines(tempDir('cutover-e2e-resume-done-'), fec(false));
    writeFileSync(file, fec(true));
    const resumed = await migrate(planFile);
    expect(resumed!.summary.resumed).toBe(true);
    expect(resumed!.ledger.map((entry) => [entry.entity, entry.sourceKey, entry.reason])).toEqual([]);
    expect(resumed!.summary.records).toMatchObject({ rejected: 0 });
    expect(resumed!.reconciled.ok, JSON.stringify(resumed!.reconciled.entities)).toBe(true);
  });

  it('gives the finished units’ ledger entries the lines of the new file', async () => {
    // Entry 3 has an impossible date: rejected, with its three lines... named by their line in the file.
    const broken = fec(false).replace(/(OD\tOPERATIONS DIVERSES\t3\t)20240115/g, '$120241345');
    const { planFile, file } = await killedInLines(tempDir('cutover-e2e-resume-done-'), broken);
    writeFileSync(file, reordered(broken));
    const resumed = await migrate(planFile);
    const dir = tempDir('cutover-e2e-resume-done-clean-');
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    writeFileSync(path.join(dir, 'cutover.yaml'), plan);
    writeFileSync(path.join(dir, 'fec', 'D1', '123456789FEC20241231.txt'), reordered(broken));
    const clean = await migrate(path.join(dir, 'cutover.yaml'));
    const where = (ledger: LedgerEntry[]) =>
      ledger.map((entry) => [entry.entity, entry.sourceKey, entry.line]);
    expect(resumed!.reconciled.ok).toBe(true);
    expect(where(resumed!.ledger)).toEqual(where(clean!.ledger));
  });
});

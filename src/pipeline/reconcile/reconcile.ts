import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EntityName } from '../../core/model/canonical-model.js';
import { DecimalSum } from '../../core/money.js';
import type { StateStore } from '../../store/state/state-store.js';
import { targetColumns } from '../../store/target/target-ddl.js';
import type { TargetStore } from '../../store/target/target-store.js';
import { compileEntityMapping } from '../map/compile-entity-mapping.js';
import { entityLoadOrder } from '../plan/entity-order.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { entityInputs, fieldText, type EntityInputs } from '../run/dossier-inputs.js';
import { NO_DOSSIER } from '../run/load-entity.js';
import { recordHash } from './record-hash.js';

export interface EntityReconciliation {
  readonly entity: EntityName;
  /** Records of the entity read again from the source now. */
  readonly source: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly rejected: number;
  /** source - (loaded + skipped + rejected): must be 0. */
  readonly unaccounted: number;
  /** Target rows for this dossier and entity. */
  readonly targetRows: number;
  /** Target rows whose content differs from the record mapped from the source now. */
  readonly contentMismatches: number;
  /** Target rows with no source record (not loaded by this plan from this source). */
  readonly extraInTarget: number;
  /** Target rows whose reference points to no row. */
  readonly orphans: number;
  /** A few source keys with differences, to start looking. */
  readonly samples: readonly string[];
  readonly ok: boolean;
}

export interface AccountBalance {
  readonly account: string;
  readonly sourceDebit: string;
  readonly sourceCredit: string;
  readonly targetDebit: string;
  readonly targetCredit: string;
  /** Amounts of source lines that were mapped but rejected at load (unknown parent, duplicate key). */
  readonly rejectedDebit: string;
  readonly rejectedCredit: string;
  readonly ok: boolean;
}

export interface DossierReconciliation {
  readonly id: string;
  readonly ok: boolean;
  readonly entities: readonly EntityReconciliation[];
  /** Accounting: per-account debit and credit totals, source against target (entry lines). */
  readonly balances?: {
    readonly sourceDebit: string;
    readonly sourceCredit: string;
    readonly targetDebit: string;
    readonly targetCredit: string;
    /** Accounts whose target totals differ from the source beyond what rejected lines explain. */
    readonly differences: readonly AccountBalance[];
    readonly accounts: number;
  };
}

export interface Reconciliation {
  readonly ok: boolean;
  readonly dossiers: readonly DossierReconciliation[];
  readonly totals: {
    readonly dossiers: number;
    readonly dossiersOk: number;
    readonly source: number;
    readonly loaded: number;
    readonly skipped: number;
    readonly rejected: number;
    readonly unaccounted: number;
    readonly contentMismatches: number;
  };
}

/** Line entities whose money is balanced per account. */
const moneyColumns = {
  entity: 'entry_line',
  account: 'account_id',
  debit: 'debit',
  credit: 'credit',
} as const;

/**
 * Proves, per dossier and entity, that every source record is accounted for and arrived intact: it reads the
 * source again, maps it with the plan, and compares it with the target read back and the ledger. Hashes go to a
 * scratch SQLite file so that the comparison is a join, whatever the size.
 */
export const reconcile = async (options: {
  loaded: LoadedPlan;
  state: StateStore;
  target: TargetStore;
  dossiers?: readonly string[];
  onDossier?: (done: number, total: number) => void;
}): Promise<Reconciliation> => {
  const { loaded, state, target } = options;
  const plan = loaded.plan;
  const order = entityLoadOrder(plan);
  const inputs = new Map<EntityName, EntityInputs>();
  for (const entity of order)
    inputs.set(entity, await entityInputs(entity, plan.entities[entity]!, loaded.baseDir));
  const ledger = new Map<string, number>();
  for (const row of await state.ledgerCounts())
    ledger.set(`${row.dossierId}/${row.entity}/${row.fate}`, row.count);
  const dossierIds = (await state.listDossiers())
    .map((dossier) => dossier.id)
    .filter((id) => options.dossiers === undefined || options.dossiers.includes(id));

  const folder = mkdtempSync(join(tmpdir(), 'cutover-reconcile-'));
  const scratch = new Database(join(folder, 'scratch.db'));
  scratch.pragma('journal_mode = OFF');
  scratch.pragma('synchronous = OFF');
  scratch.exec(`CREATE TABLE src (k TEXT PRIMARY KEY, h TEXT NOT NULL, account TEXT, debit TEXT, credit TEXT);
                CREATE TABLE tgt (k TEXT PRIMARY KEY, h TEXT NOT NULL)`);
  const insertSource = scratch.prepare(
    'INSERT OR IGNORE INTO src (k, h, account, debit, credit) VALUES (?, ?, ?, ?, ?)',
  );
  const insertTarget = scratch.prepare('INSERT OR IGNORE INTO tgt (k, h) VALUES (?, ?)');

  const results: DossierReconciliation[] = [];
  try {
    for (const dossier of dossierIds) {
      const entities: EntityReconciliation[] = [];
      let balances: DossierReconciliation['balances'];
      for (const entity of order) {
        scratch.exec('DELETE FROM src; DELETE FROM tgt');
        const entityPlan = plan.entities[entity]!;
        const map = compileEntityMapping(entity, entityPlan);
        const columns = targetColumns(entity);
        const isMoney = entity === moneyColumns.entity;
        const accountIndex = columns.findIndex((column) => column.name === moneyColumns.account);
        const debitIndex = columns.findIndex((column) => column.name === moneyColumns.debit);
        const creditIndex = columns.findIndex((column) => column.name === moneyColumns.credit);
        const input = inputs.get(entity)!;
        const seen = entityPlan.distinct ? new Set<string>() : undefined;
        let sourceCount = 0;
        for (const source of input.open(dossier)) {
          for await (const batch of source.read({ batchSize: plan.batchSize })) {
            scratch.exec('BEGIN');
            for (const record of batch) {
              if (input.filterField !== undefined) {
                if ((fieldText(record.fields[input.filterField]) ?? NO_DOSSIER) !== dossier) continue;
              }
              const outcome = map(record, { dossier });
              if (outcome.fate === 'not-a-record') continue;
              const key = outcome.fate === 'mapped' ? outcome.record.sourceKey : outcome.sourceKey;
              if (seen !== undefined && key !== null) {
                if (seen.has(key)) continue;
                seen.add(key);
              }
              sourceCount++;
              if (outcome.fate !== 'mapped') continue;
              const values = outcome.record.values;
              insertSource.run(
                outcome.record.sourceKey,
                recordHash(values),
                isMoney ? values[accountIndex] : null,
                isMoney ? values[debitIndex] : null,
                isMoney ? values[creditIndex] : null,
              );
            }
            scratch.exec('COMMIT');
          }
        }
        const sums = new Map<
          string,
          { sd: DecimalSum; sc: DecimalSum; td: DecimalSum; tc: DecimalSum; rd: DecimalSum; rc: DecimalSum }
        >();
        const sumsOf = (account: string) => {
          let entry = sums.get(account);
          if (entry === undefined) {
            entry = {
              sd: new DecimalSum(),
              sc: new DecimalSum(),
              td: new DecimalSum(),
              tc: new DecimalSum(),
              rd: new DecimalSum(),
              rc: new DecimalSum(),
            };
            sums.set(account, entry);
          }
          return entry;
        };
        let targetRows = 0;
        for await (const batch of target.readRows(entity, dossier)) {
          scratch.exec('BEGIN');
          for (const row of batch) {
            targetRows++;
            const values = columns.map((column) => row.values[column.name] ?? null);
            insertTarget.run(row.sourceKey, recordHash(values));
            if (isMoney) {
              const account = sumsOf(String(values[accountIndex]));
              account.td.add(values[debitIndex] as string | null);
              account.tc.add(values[creditIndex] as string | null);
            }
          }
          scratch.exec('COMMIT');
        }
        const count = (sql: string) => (scratch.prepare(sql).get() as { n: number }).n;
        const loadedCount = count('SELECT count(*) AS n FROM tgt JOIN src USING (k)');
        const contentMismatches = count(
          'SELECT count(*) AS n FROM tgt JOIN src USING (k) WHERE tgt.h <> src.h',
        );
        const extraInTarget = count(
          'SELECT count(*) AS n FROM tgt WHERE NOT EXISTS (SELECT 1 FROM src WHERE src.k = tgt.k)',
        );
        const samples = (
          scratch
            .prepare(
              `SELECT k FROM (SELECT tgt.k FROM tgt JOIN src USING (k) WHERE tgt.h <> src.h
                UNION ALL SELECT k FROM tgt WHERE NOT EXISTS (SELECT 1 FROM src WHERE src.k = tgt.k)) LIMIT 10`,
            )
            .all() as { k: string }[]
        ).map((row) => row.k);
        const skipped = ledger.get(`${dossier}/${entity}/skipped`) ?? 0;
        const rejected = ledger.get(`${dossier}/${entity}/rejected`) ?? 0;
        const orphans = await target.countOrphans(entity, dossier);
        const unaccounted = sourceCount - (loadedCount + skipped + rejected);
        entities.push({
          entity,
          source: sourceCount,
          loaded: loadedCount,
          skipped,
          rejected,
          unaccounted,
          targetRows,
          contentMismatches,
          extraInTarget,
          orphans,
          samples,
          ok: unaccounted === 0 && contentMismatches === 0 && extraInTarget === 0 && orphans === 0,
        });

        if (isMoney && accountIndex >= 0 && debitIndex >= 0 && creditIndex >= 0) {
          for (const row of scratch.prepare('SELECT account, debit, credit FROM src').iterate() as Iterable<{
            account: string | null;
            debit: string | null;
            credit: string | null;
          }>) {
            const account = sumsOf(String(row.account));
            account.sd.add(row.debit);
            account.sc.add(row.credit);
          }
          for (const row of scratch
            .prepare(
              'SELECT account, debit, credit FROM src WHERE NOT EXISTS (SELECT 1 FROM tgt WHERE tgt.k = src.k)',
            )
            .iterate() as Iterable<{ account: string | null; debit: string | null; credit: string | null }>) {
            const account = sumsOf(String(row.account));
            account.rd.add(row.debit);
            account.rc.add(row.credit);
          }
          const totals = {
            sd: new DecimalSum(),
            sc: new DecimalSum(),
            td: new DecimalSum(),
            tc: new DecimalSum(),
          };
          const differences: AccountBalance[] = [];
          for (const [account, entry] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
            totals.sd.add(entry.sd.toString());
            totals.sc.add(entry.sc.toString());
            totals.td.add(entry.td.toString());
            totals.tc.add(entry.tc.toString());
            const expectedDebit = new DecimalSum().add(entry.sd.toString()).subtract(entry.rd.toString());
            const expectedCredit = new DecimalSum().add(entry.sc.toString()).subtract(entry.rc.toString());
            const ok =
              expectedDebit.toString() === entry.td.toString() &&
              expectedCredit.toString() === entry.tc.toString();
            const balance: AccountBalance = {
              account,
              sourceDebit: entry.sd.toString(),
              sourceCredit: entry.sc.toString(),
              targetDebit: entry.td.toString(),
              targetCredit: entry.tc.toString(),
              rejectedDebit: entry.rd.toString(),
              rejectedCredit: entry.rc.toString(),
              ok,
            };
            if (!ok) differences.push(balance);
          }
          balances = {
            sourceDebit: totals.sd.toString(),
            sourceCredit: totals.sc.toString(),
            targetDebit: totals.td.toString(),
            targetCredit: totals.tc.toString(),
            differences,
            accounts: sums.size,
          };
        }
      }
      const ok =
        entities.every((entity) => entity.ok) &&
        (balances === undefined || balances.differences.length === 0);
      results.push({ id: dossier, ok, entities, ...(balances === undefined ? {} : { balances }) });
      options.onDossier?.(results.length, dossierIds.length);
    }
  } finally {
    scratch.close();
    rmSync(folder, { recursive: true, force: true });
  }

  const all = results.flatMap((dossier) => dossier.entities);
  const sum = (pick: (entity: EntityReconciliation) => number) =>
    all.reduce((total, entity) => total + pick(entity), 0);
  return {
    ok: results.every((dossier) => dossier.ok),
    dossiers: results,
    totals: {
      dossiers: results.length,
      dossiersOk: results.filter((dossier) => dossier.ok).length,
      source: sum((entity) => entity.source),
      loaded: sum((entity) => entity.loaded),
      skipped: sum((entity) => entity.skipped),
      rejected: sum((entity) => entity.rejected),
      unaccounted: sum((entity) => Math.abs(entity.unaccounted)),
      contentMismatches: sum((entity) => entity.contentMismatches),
    },
  };
};

import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { LedgerEntry } from '../../../src/store/state/state-store.js';
import type { TargetStore } from '../../../src/store/target/target-store.js';
import { describeResult, finished, parseJsonStdout, startCli, type CliResult } from './cli.js';
import { companiesContactsPlan } from './companies-contacts-plan.js';
import {
  countBy,
  defaultStatePath,
  ledgerContent,
  querySqlite,
  readLedger,
  readTargetRows,
  seededRandom,
} from './helpers.js';

/**
 * The scenario of the tests that `kill -9` a run at random points, then run the same command again until it
 * finishes: the target and the ledger must end exactly as after a run that was never interrupted (no duplicate, no
 * gap). One dossier `crm` of 200 companies and 60,000 contacts with every kind of bad row; each target (SQLite,
 * PostgreSQL) runs it through its own test file, reading its checkpoint and rows its own way.
 */

export const CONTACTS = 60_000;
export const COMPANIES = 200;
export const KILLS = 5;

/** The plan, with `target` (a YAML flow mapping) where the rows go: target.db beside the plan unless given. */
export const killResumePlan = (target?: string): string =>
  companiesContactsPlan('kill-resume', {
    batchSize: 1000,
    contactFields: [
      'first_name: first_name',
      'email: { from: email, transform: [trim, lower] }',
      'birth_date: { from: birth_date, formats: [dd/MM/yyyy] }',
      'company_id: company_id',
    ],
    tail: `    skip:
      - rule: test-records
        when: { field: email, matches: '@example\\.test$' }
`,
    ...(target === undefined ? {} : { target }),
  });

type Fate =
  | 'loaded'
  | 'skipped'
  | 'MALFORMED_ROW'
  | 'INVALID_DATE'
  | 'REQUIRED_MISSING'
  | 'UNKNOWN_PARENT'
  | 'DUPLICATE_SOURCE_KEY';

/** The contacts file, and the fate each of its rows must get (computed here, independently of cutover). */
export const contactsFile = (): { text: string; fates: Fate[] } => {
  const lines = ['contact_id,first_name,last_name,email,birth_date,company_id'];
  const fates: Fate[] = [];
  const loadedKeys = new Set<string>();
  for (let i = 1; i <= CONTACTS; i++) {
    // Duplicates: one inside a batch (row 12 repeats row 11), one across batches (row 45000 repeats row 10).
    const key = i === 12 ? 'P11' : i === 45_000 ? 'P10' : `P${i}`;
    const email = i % 5000 === 2500 ? `tester${i}@example.test` : `p${i}@mail.fr`;
    const birth =
      i % 997 === 0
        ? '31/02/1980'
        : `${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/19${50 + (i % 40)}`;
    const last = i % 1499 === 7 ? '' : `Last${i}`;
    const company = i % 2003 === 5 ? 'C9999' : `C${String((i % COMPANIES) + 1).padStart(4, '0')}`;
    if (i === 30_000) {
      lines.push(`${key},"First${i},${last},${email},${birth},${company}`);
      fates.push('MALFORMED_ROW');
      continue;
    }
    lines.push(`${key},First${i},${last},${email},${birth},${company}`);
    // The order in which a mapping decides: skip rules, then fields in plan order, then parents, then the key.
    let fate: Fate = 'loaded';
    if (email.endsWith('@example.test')) fate = 'skipped';
    else if (last === '') fate = 'REQUIRED_MISSING';
    else if (birth === '31/02/1980') fate = 'INVALID_DATE';
    else if (company === 'C9999') fate = 'UNKNOWN_PARENT';
    else if (loadedKeys.has(key)) fate = 'DUPLICATE_SOURCE_KEY';
    if (fate === 'loaded') loadedKeys.add(key);
    fates.push(fate);
  }
  return { text: `${lines.join('\n')}\n`, fates };
};

/** The data is what the tests say it is: each kind of bad row is there. */
export const expectEveryKindOfBadRow = (fates: readonly Fate[]): void => {
  expect(countBy(fates, (fate) => fate)).toEqual({
    loaded: 59_854,
    skipped: 12,
    MALFORMED_ROW: 1,
    INVALID_DATE: 60,
    REQUIRED_MISSING: 41,
    UNKNOWN_PARENT: 30,
    DUPLICATE_SOURCE_KEY: 2,
  });
};

export const companiesFile = (): string =>
  `company_id,name\n${Array.from({ length: COMPANIES }, (_, index) => `C${String(index + 1).padStart(4, '0')},Company ${index + 1}\n`).join('')}`;

/** The contact load's committed checkpoint, as a target holds it while the run writes it. */
export interface ContactCheckpoint {
  readonly recordsRead: number;
  readonly done: number;
}

/**
 * Starts `cutover ...args` KILLS times and SIGKILLs each: the first early (while the run starts, opens its stores,
 * loads the companies or the first contact batch), the others once the committed contact checkpoint (read by
 * `checkpoint`, undefined while there is none) passes a random point, then a random few milliseconds more. The kill
 * points come from `seed`; what each kill met is pushed to `log`. Returns how many kills landed mid-run.
 */
export const killAtRandomPoints = async (
  args: readonly string[],
  checkpoint: () => Promise<ContactCheckpoint | undefined>,
  seed: number,
  log: string[],
): Promise<number> => {
  const random = seededRandom(seed);
  let midRunKills = 0;
  let goal = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = startCli(args);
    const done = finished(child);
    let exited = false;
    void done.then(() => (exited = true));
    let when: string;
    if (kill === 0) {
      const delay = Math.round(200 + random() * 600);
      await sleep(delay);
      when = `after ${delay} ms`;
    } else {
      goal += 1000 + Math.floor(random() * ((CONTACTS - 3000 - goal) / (KILLS - kill)));
      const extra = Math.floor(random() * 40);
      const started = Date.now();
      while (!exited && ((await checkpoint())?.recordsRead ?? 0) < goal && Date.now() - started < 60_000) {
        await sleep(5);
      }
      await sleep(extra);
      when = `at checkpoint >= ${goal} + ${extra} ms`;
    }
    child.kill('SIGKILL');
    const result = await done;
    const after = await checkpoint();
    log.push(
      `kill ${kill + 1} ${when}: exit ${result.code} signal ${result.signal}; contact checkpoint then ${after?.recordsRead ?? 'none'} done ${after?.done ?? '-'}` +
        (result.code === null || result.code === 0 ? '' : `; stderr: ${result.stderr.trim().slice(0, 400)}`),
    );
    if (result.signal === 'SIGKILL' && after?.done !== 1) midRunKills++;
  }
  return midRunKills;
};

/** What a run of the scenario left: its summary, target rows and ledger. */
export interface RunEnd {
  readonly result: CliResult;
  /** Per entity, source key → the row's values as JSON. */
  readonly rows: Record<string, Record<string, string>>;
  /** The contact table counted in the target itself (a duplicate row would hide in `rows`). */
  readonly contactCounts: { rows: number; keys: number; ids: number };
  readonly ledger: LedgerEntry[];
  /** Command and status of each run in the state store. */
  readonly runs: { command: string; status: string }[];
}

/**
 * The end of a run of the plan in `dir` (its state store the default one there), its rows read through `target`,
 * `contactCounts` counting in the target's own SQL.
 */
export const readRunEnd = async (
  dir: string,
  result: CliResult,
  target: TargetStore,
  contactCounts: RunEnd['contactCounts'],
): Promise<RunEnd> => {
  const rows: Record<string, Record<string, string>> = {};
  for (const entity of ['company', 'contact'] as const) {
    rows[entity] = Object.fromEntries(
      (await readTargetRows(target, entity, 'crm')).map((row) => [row.sourceKey, JSON.stringify(row.values)]),
    );
  }
  const runs = querySqlite<{ command: string; status: string }>(
    defaultStatePath(dir),
    'SELECT command, status FROM run',
  );
  return { result, rows, contactCounts, ledger: await readLedger(defaultStatePath(dir)), runs };
};

/** The SQL both targets count the contact table with. */
export const countContactsSql =
  'SELECT count(*) AS rows, count(DISTINCT source_key) AS keys, count(DISTINCT id) AS ids FROM contact';

interface Summary {
  resumed: boolean;
  records: { read: number; loaded: number; skipped: number; rejected: number };
}

/**
 * The killed and resumed run ended as the uninterrupted one: same summary counts, one row per loaded source key with
 * its own id, every contact a row or one ledger entry with the fate computed for it, the same rows and ledger (all
 * but the run id), and one succeeded run.
 */
export const expectResumedAsUninterrupted = (
  resumed: RunEnd,
  uninterrupted: RunEnd,
  fates: readonly Fate[],
  log: readonly string[],
): void => {
  const expected = countBy(fates, (fate) => fate);
  expect(resumed.result.code, describeResult(resumed.result)).toBe(0);
  expect(uninterrupted.result.code, describeResult(uninterrupted.result)).toBe(0);
  const resumedSummary = parseJsonStdout<Summary>(resumed.result);
  const cleanSummary = parseJsonStdout<Summary>(uninterrupted.result);
  expect(resumedSummary.resumed).toBe(true);
  expect(cleanSummary.records).toEqual({
    read: CONTACTS + COMPANIES,
    loaded: expected.loaded! + COMPANIES,
    merged: 0,
    skipped: expected.skipped,
    rejected: CONTACTS - expected.loaded! - expected.skipped!,
  });
  expect(resumedSummary.records, log.join('\n')).toEqual(cleanSummary.records);

  // No duplicate: one row per source key, each with its own id; no gap: every contact is a row or a ledger entry, once.
  expect(resumed.contactCounts).toEqual({
    rows: expected.loaded,
    keys: expected.loaded,
    ids: expected.loaded,
  });
  const contactLedger = resumed.ledger.filter((entry) => entry.entity === 'contact');
  expect(contactLedger.length + resumed.contactCounts.rows).toBe(CONTACTS);
  expect(new Set(contactLedger.map((entry) => entry.location)).size).toBe(contactLedger.length);
  expect(countBy(contactLedger, (entry) => entry.reason ?? entry.fate)).toEqual({
    skipped: expected.skipped,
    MALFORMED_ROW: 1,
    INVALID_DATE: expected.INVALID_DATE,
    REQUIRED_MISSING: expected.REQUIRED_MISSING,
    UNKNOWN_PARENT: expected.UNKNOWN_PARENT,
    DUPLICATE_SOURCE_KEY: 2,
  });
  // The duplicates: the later rows are rejected, the first ones loaded with their own content.
  expect(
    contactLedger
      .filter((entry) => entry.reason === 'DUPLICATE_SOURCE_KEY')
      .map((entry) => [entry.sourceKey, entry.line]),
  ).toEqual([
    ['P11', 13],
    ['P10', 45_001],
  ]);
  expect(JSON.parse(resumed.rows.contact!.P10!)).toMatchObject({
    first_name: 'First10',
    last_name: 'Last10',
  });

  // Identical to the uninterrupted run: rows (source key and content) and ledger (all but the run id).
  const sortedContent = (ledger: readonly LedgerEntry[]) =>
    ledger.map(ledgerContent).sort((a, b) => a.location.localeCompare(b.location));
  expect(Object.keys(resumed.rows.contact!).length).toBe(Object.keys(uninterrupted.rows.contact!).length);
  expect(resumed.rows).toEqual(uninterrupted.rows);
  expect(sortedContent(resumed.ledger)).toEqual(sortedContent(uninterrupted.ledger));
  expect(resumed.runs).toEqual([{ command: 'run', status: 'succeeded' }]);
};

/** `cutover reconcile` of the resumed run: exit 0, every source record accounted for. */
export const expectReconciled = (reconciled: CliResult): void => {
  expect(reconciled.code, describeResult(reconciled)).toBe(0);
  const reconciliation = parseJsonStdout<{ ok: boolean; totals: { unaccounted: number; source: number } }>(
    reconciled,
  );
  expect(reconciliation.ok).toBe(true);
  expect(reconciliation.totals).toMatchObject({ unaccounted: 0, source: CONTACTS + COMPANIES });
};

import { rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { LedgerEntry } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, finished, parseJsonStdout, startCli } from './support/cli.js';
import {
  countBy,
  defaultStatePath,
  ledgerContent,
  querySqlite,
  readLedger,
  readSqliteTargetRows,
  seededRandom,
  writeFiles,
} from './support/helpers.js';
import { companiesContactsPlan } from './support/companies-contacts-plan.js';

/**
 * `kill -9` at random points of a run, then the same command again until it finishes: the target and the ledger
 * must end exactly as after a run that was never interrupted (no duplicate, no gap).
 */

const CONTACTS = 60_000;
const COMPANIES = 200;
const KILLS = 5;
const SEED = Number(process.env.CUTOVER_KILL_SEED ?? 20_261_128);

const plan = companiesContactsPlan('kill-resume', {
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
const contactsFile = () => {
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

const companiesFile = () =>
  `company_id,name\n${Array.from({ length: COMPANIES }, (_, index) => `C${String(index + 1).padStart(4, '0')},Company ${index + 1}\n`).join('')}`;

/** The contact load's committed checkpoint, read from the target while the run writes it. */
const contactCheckpoint = (targetFile: string): { recordsRead: number; done: number } | undefined => {
  let db: Database.Database | undefined;
  try {
    db = new Database(targetFile, { readonly: true, fileMustExist: true });
    const row = db
      .prepare("SELECT records_read AS recordsRead, done FROM _cutover_checkpoint WHERE entity = 'contact'")
      .get() as { recordsRead: number; done: number } | undefined;
    return row;
  } catch {
    return undefined; // not created yet
  } finally {
    db?.close();
  }
};

interface Snapshot {
  readonly rows: Record<string, Record<string, string>>;
  readonly ledger: ReturnType<typeof ledgerContent>[];
  readonly rawLedger: LedgerEntry[];
}

const snapshot = async (dir: string): Promise<Snapshot> => {
  const rows: Record<string, Record<string, string>> = {};
  for (const entity of ['company', 'contact'] as const) {
    rows[entity] = Object.fromEntries(
      (await readSqliteTargetRows(path.join(dir, 'target.db'), entity, 'crm')).map((row) => [
        row.sourceKey,
        JSON.stringify(row.values),
      ]),
    );
  }
  const rawLedger = await readLedger(defaultStatePath(dir));
  const ledger = rawLedger.map(ledgerContent).sort((a, b) => a.location.localeCompare(b.location));
  return { rows, ledger, rawLedger };
};

describe('kill -9 and resume', () => {
  const { text: contacts, fates } = contactsFile();
  const expected = countBy(fates, (fate) => fate);

  const folders: string[] = [];
  beforeAll(() => ensureBuilt(), 240_000);
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('ends, after several SIGKILLs mid-run and a resume, with the target and ledger of an uninterrupted run', async () => {
    const killed = tempDir('cutover-e2e-killed-');
    const clean = tempDir('cutover-e2e-clean-');
    folders.push(killed, clean);
    for (const dir of [killed, clean])
      writeFiles(dir, { 'cutover.yaml': plan, 'companies.csv': companiesFile(), 'contacts.csv': contacts });
    // The data is what the test says it is: each kind of bad row is there.
    expect(expected).toEqual({
      loaded: 59_854,
      skipped: 12,
      MALFORMED_ROW: 1,
      INVALID_DATE: 60,
      REQUIRED_MISSING: 41,
      UNKNOWN_PARENT: 30,
      DUPLICATE_SOURCE_KEY: 2,
    });

    const random = seededRandom(SEED);
    const log: string[] = [`seed ${SEED} (set CUTOVER_KILL_SEED to replay)`];
    onTestFailed(() => console.error(`kill log:\n  ${log.join('\n  ')}`));
    const planFile = path.join(killed, 'cutover.yaml');
    const targetFile = path.join(killed, 'target.db');
    let midRunKills = 0;
    let goal = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startCli(['run', '--plan', planFile, '--json']);
      const done = finished(child);
      let exited = false;
      void done.then(() => (exited = true));
      let when: string;
      if (kill === 0) {
        // Early: while the run starts, opens its stores, loads the companies or the first contact batch.
        const delay = Math.round(200 + random() * 600);
        await sleep(delay);
        when = `after ${delay} ms`;
      } else {
        // Later: once the committed checkpoint passes a random point, then a random few milliseconds more.
        goal += 1000 + Math.floor(random() * ((CONTACTS - 3000 - goal) / (KILLS - kill)));
        const extra = Math.floor(random() * 40);
        const started = Date.now();
        while (
          !exited &&
          (contactCheckpoint(targetFile)?.recordsRead ?? 0) < goal &&
          Date.now() - started < 60_000
        ) {
          await sleep(5);
        }
        await sleep(extra);
        when = `at checkpoint >= ${goal} + ${extra} ms`;
      }
      child.kill('SIGKILL');
      const result = await done;
      const after = contactCheckpoint(targetFile);
      log.push(
        `kill ${kill + 1} ${when}: exit ${result.code} signal ${result.signal}; contact checkpoint then ${after?.recordsRead ?? 'none'} done ${after?.done ?? '-'}` +
          (result.code === null || result.code === 0
            ? ''
            : `; stderr: ${result.stderr.trim().slice(0, 400)}`),
      );
      if (result.signal === 'SIGKILL' && after?.done !== 1) midRunKills++;
    }
    // The test proves something only if most kills landed while the run was working.
    expect(midRunKills, log.join('\n')).toBeGreaterThanOrEqual(KILLS - 1);

    const resumed = await cli(['run', '--plan', planFile, '--json']);
    log.push(`resume: exit ${resumed.code}`);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const uninterrupted = await cli(['run', '--plan', path.join(clean, 'cutover.yaml'), '--json']);
    expect(uninterrupted.code, describeResult(uninterrupted)).toBe(0);

    interface Summary {
      resumed: boolean;
      records: { read: number; loaded: number; skipped: number; rejected: number };
    }
    const resumedSummary = parseJsonStdout<Summary>(resumed);
    const cleanSummary = parseJsonStdout<Summary>(uninterrupted);
    expect(resumedSummary.resumed).toBe(true);
    const rejected = CONTACTS - expected.loaded! - expected.skipped!;
    expect(cleanSummary.records).toEqual({
      read: CONTACTS + COMPANIES,
      loaded: expected.loaded! + COMPANIES,
      merged: 0,
      skipped: expected.skipped,
      rejected,
    });
    expect(resumedSummary.records, log.join('\n')).toEqual(cleanSummary.records);

    const [after, reference] = await Promise.all([snapshot(killed), snapshot(clean)]);
    // No duplicate: one row per source key; no gap: every contact is a row or a ledger entry, once.
    const [counts] = querySqlite<{ rows: number; keys: number }>(
      targetFile,
      'SELECT count(*) AS rows, count(DISTINCT source_key) AS keys FROM contact',
    );
    expect(counts).toEqual({ rows: expected.loaded, keys: expected.loaded });
    const contactLedger = after.rawLedger.filter((entry) => entry.entity === 'contact');
    expect(contactLedger.length + counts!.rows).toBe(CONTACTS);
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
    expect(JSON.parse(after.rows.contact!.P10!)).toMatchObject({
      first_name: 'First10',
      last_name: 'Last10',
    });

    // Identical to the uninterrupted run: rows (source key and content) and ledger (all but the run id).
    expect(Object.keys(after.rows.contact!).length).toBe(Object.keys(reference.rows.contact!).length);
    expect(after.rows).toEqual(reference.rows);
    expect(after.ledger).toEqual(reference.ledger);

    const runs = querySqlite<{ command: string; status: string }>(
      defaultStatePath(killed),
      'SELECT command, status FROM run',
    );
    expect(runs).toEqual([{ command: 'run', status: 'succeeded' }]);

    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    const reconciliation = parseJsonStdout<{ ok: boolean; totals: { unaccounted: number; source: number } }>(
      reconciled,
    );
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.totals).toMatchObject({ unaccounted: 0, source: CONTACTS + COMPANIES });
  }, 180_000);
});

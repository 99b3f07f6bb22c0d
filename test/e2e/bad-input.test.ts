import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import {
  cli,
  describeResult,
  ensureBuilt,
  jsonError,
  parseJsonStdout,
  type CliResult,
} from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

/**
 * Bad input, one kind per test. Bad records become `rejected` ledger entries that say where they are and keep
 * the raw record, and the run goes on; infrastructure and plan mistakes stop the command with one clear line and
 * the exit code of their kind.
 */

const contactPlan = `version: 1
name: bad-input
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      first_name: first_name
      last_name: { from: last_name, required: true }
      birth_date: { from: birth_date, formats: [yyyy-MM-dd] }
`;

interface RunJson {
  status: string;
  records: { read: number; loaded: number; skipped: number; rejected: number };
  dossiers: { total: number; done: number; thresholdCrossed: string[] };
  entities: Record<string, { recordsRead: number; loaded: number; skipped: number; rejected: number }>;
  notices: { code: string; message: string; source: string; dossier: string; entity: string }[];
}

interface Case {
  readonly dir: string;
  readonly result: CliResult;
  readonly ledger: LedgerEntry[];
  /** Target rows of an entity: source key and the given columns. */
  readonly rows: (entity: string, columns?: string) => Record<string, unknown>[];
}

const runCase = async (
  files: Record<string, string | Buffer>,
  args: readonly string[] = ['--json'],
): Promise<Case> => {
  const dir = tempDir('cutover-e2e-bad-');
  writeFiles(dir, files);
  const result = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), ...args]);
  const ledger = await readLedger(defaultStatePath(dir));
  return {
    dir,
    result,
    ledger,
    rows: (entity, columns = 'source_key') =>
      querySqlite(path.join(dir, 'target.db'), `SELECT ${columns} FROM ${entity} ORDER BY id`),
  };
};

/** The parts of a ledger entry a person reads to find and fix the record. */
const where = (entry: LedgerEntry) => ({
  fate: entry.fate,
  reason: entry.reason,
  location: entry.location,
  line: entry.line,
  sourceKey: entry.sourceKey,
  column: entry.column,
  raw: entry.raw,
});

const succeeded = (result: CliResult, records: RunJson['records']) => {
  expect(result.code, describeResult(result)).toBe(0);
  const json = parseJsonStdout<RunJson>(result);
  expect(json.status).toBe('succeeded');
  expect(json.records).toEqual({ merged: 0, ...records });
  return json;
};

describe('bad input', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('rejects a CSV line with an unclosed quote as MALFORMED_ROW, alone, and loads the lines after it', async () => {
    const run = await runCase({
      'cutover.yaml': contactPlan,
      'contacts.csv':
        'contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,1980-01-02\nK2,"Bruno,Petit,1981-03-04\nK3,Chloé,Durand,1982-05-06\n',
    });
    succeeded(run.result, { read: 3, loaded: 2, skipped: 0, rejected: 1 });
    expect(run.ledger.map(where)).toEqual([
      {
        fate: 'rejected',
        reason: 'MALFORMED_ROW',
        location: 'contacts.csv:3',
        line: 3,
        sourceKey: null,
        column: null,
        raw: 'K2,"Bruno,Petit,1981-03-04',
      },
    ]);
    expect(run.ledger[0]!.message).toContain('unclosed quote');
    expect(run.rows('contact', 'source_key, first_name')).toEqual([
      { source_key: 'K1', first_name: 'Anne' },
      { source_key: 'K3', first_name: 'Chloé' },
    ]);

    // `cutover ledger` shows where it is, why, and the line exactly as read.
    const listed = await cli(['ledger', '--plan', path.join(run.dir, 'cutover.yaml'), '--fate', 'rejected']);
    expect(listed.code, describeResult(listed)).toBe(0);
    expect(listed.stdout).toContain('crm\tcontact\tcontacts.csv:3\trejected\tMALFORMED_ROW');
    expect(listed.stdout).toContain('\tK2,"Bruno,Petit,1981-03-04');
  });

  it('rejects rows with more or fewer fields than the header as WRONG_COLUMN_COUNT, naming both counts', async () => {
    const run = await runCase({
      'cutover.yaml': contactPlan,
      'contacts.csv':
        'contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,1980-01-02\nK2,Bruno,Petit,1981-03-04,surplus\nK3,Chloé\nK4,Dan,Roux,1984-01-01\n',
    });
    succeeded(run.result, { read: 4, loaded: 2, skipped: 0, rejected: 2 });
    expect(
      run.ledger.map((entry) => [entry.reason, entry.location, entry.sourceKey, entry.message, entry.raw]),
    ).toEqual([
      [
        'WRONG_COLUMN_COUNT',
        'contacts.csv:3',
        'K2',
        'expected 4 fields (as in the header), found 5',
        'K2,Bruno,Petit,1981-03-04,surplus',
      ],
      [
        'WRONG_COLUMN_COUNT',
        'contacts.csv:4',
        'K3',
        'expected 4 fields (as in the header), found 2',
        'K3,Chloé',
      ],
    ]);
    expect(run.rows('contact')).toEqual([{ source_key: 'K1' }, { source_key: 'K4' }]);
  });

  it('rejects a row holding bytes invalid in the declared encoding (UTF-8) as INVALID_ENCODING, naming the column', async () => {
    const csv = Buffer.concat([
      Buffer.from('contact_id,first_name,last_name,birth_date\nK1,Chloé,Martin,1980-01-02\nK2,Ren', 'utf8'),
      Buffer.from([0xe9]), // a Windows-1252 "é" in a UTF-8 file
      Buffer.from(',Petit,1981-03-04\nK3,Zoë,Durand,1982-05-06\n', 'utf8'),
    ]);
    const plan = contactPlan.replace('path: contacts.csv }', 'path: contacts.csv, encoding: utf-8 }');
    const run = await runCase({ 'cutover.yaml': plan, 'contacts.csv': csv });
    succeeded(run.result, { read: 3, loaded: 2, skipped: 0, rejected: 1 });
    expect(run.ledger.map(where)).toEqual([
      {
        fate: 'rejected',
        reason: 'INVALID_ENCODING',
        location: 'contacts.csv:3',
        line: 3,
        sourceKey: 'K2',
        column: 'first_name',
        raw: 'K2,Ren\uFFFD,Petit,1981-03-04',
      },
    ]);
    expect(run.ledger[0]!.message).toContain('column "first_name"');
    // The rest of the file is read as UTF-8: its accents arrive intact.
    expect(run.rows('contact', 'source_key, first_name')).toEqual([
      { source_key: 'K1', first_name: 'Chloé' },
      { source_key: 'K3', first_name: 'Zoë' },
    ]);
  });

  it('loads a Windows-1252 line of a UTF-8 file read with `auto` encoding as Windows-1252, and names its line', async () => {
    const csv = Buffer.concat([
      Buffer.from('contact_id,first_name,last_name,birth_date\nK1,Chloé,Martin,1980-01-02\n', 'utf8'),
      Buffer.from('K2,René,Petit,1981-03-04\n', 'latin1'),
      Buffer.from('K3,Zoë,Durand,1982-05-06\n', 'utf8'),
    ]);
    const run = await runCase({ 'cutover.yaml': contactPlan, 'contacts.csv': csv });
    const json = succeeded(run.result, { read: 3, loaded: 3, skipped: 0, rejected: 0 });
    expect(run.rows('contact', 'source_key, first_name')).toEqual([
      { source_key: 'K1', first_name: 'Chloé' },
      { source_key: 'K2', first_name: 'René' },
      { source_key: 'K3', first_name: 'Zoë' },
    ]);
    expect(json.notices.map((notice) => [notice.code, notice.message])).toEqual([
      [
        'ENCODING_FALLBACK',
        'contacts.csv: line 3 is not valid UTF-8: read as Windows-1252 (the usual legacy code page: no byte reads as €, Š, š, ž, Œ, œ or Ÿ of ISO-8859-15 next to a letter or figure), the rest of the file as UTF-8',
      ],
    ]);
  });

  it('rejects dates that match no format of the plan or do not exist as INVALID_DATE, naming column and value', async () => {
    const run = await runCase({
      'cutover.yaml': contactPlan,
      'contacts.csv':
        'contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,1980-01-02\nK2,Bruno,Petit,1990-02-30\nK3,Chloé,Durand,2021-13-01\nK4,Dan,Roux,02/01/1980\nK5,Eve,Blanc,1984-02-29\n',
    });
    succeeded(run.result, { read: 5, loaded: 2, skipped: 0, rejected: 3 });
    expect(run.ledger.map((entry) => [entry.reason, entry.location, entry.column, entry.message])).toEqual([
      [
        'INVALID_DATE',
        'contacts.csv:3',
        'birth_date',
        'birth_date (source birth_date): "1990-02-30" is not a date in format yyyy-MM-dd',
      ],
      [
        'INVALID_DATE',
        'contacts.csv:4',
        'birth_date',
        'birth_date (source birth_date): "2021-13-01" is not a date in format yyyy-MM-dd',
      ],
      [
        'INVALID_DATE',
        'contacts.csv:5',
        'birth_date',
        'birth_date (source birth_date): "02/01/1980" is not a date in format yyyy-MM-dd',
      ],
    ]);
    expect(run.ledger.map((entry) => entry.raw)).toEqual([
      'K2,Bruno,Petit,1990-02-30',
      'K3,Chloé,Durand,2021-13-01',
      'K4,Dan,Roux,02/01/1980',
    ]);
    expect(run.rows('contact', 'source_key, birth_date')).toEqual([
      { source_key: 'K1', birth_date: '1980-01-02' },
      { source_key: 'K5', birth_date: '1984-02-29' },
    ]);
  });

  it('shows control characters of the data as escapes on a terminal, never as the escape sequences they are', async () => {
    const evil = '\u001b[2J\u001b[31mEVIL';
    const run = await runCase(
      {
        'cutover.yaml': contactPlan,
        'contacts.csv': `contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,${evil}\n`,
      },
      [],
    );
    expect(run.result.code, describeResult(run.result)).toBe(0);
    // The ledger keeps the record as read; what a person reads is escaped.
    expect(run.ledger[0]?.raw).toBe(`K1,Anne,Martin,${evil}`);
    const listed = await cli(['ledger', '--plan', path.join(run.dir, 'cutover.yaml')]);
    for (const output of [run.result.stdout, listed.stdout]) {
      expect(output).not.toContain('\u001b');
      expect(output).toContain('\\x1b[2J\\x1b[31mEVIL');
    }
  });

  it('rejects amounts that are not exact decimal numbers as INVALID_AMOUNT, and reads the others exactly', async () => {
    const run = await runCase({
      'cutover.yaml': `version: 1
name: bad-amounts
target: { type: sqlite, url: target.db }
entities:
  deal:
    source: { type: csv, path: deals.csv, delimiter: ';' }
    dossier: { value: crm }
    key: deal_id
    fields:
      name: { from: title, required: true }
      amount: { from: amount, decimal: auto }
`,
      'deals.csv':
        'deal_id;title;amount\nD1;Alpha;1 234,50\nD2;Beta;N/A\nD3;Gamma;12,34,56\nD4;Delta;980\nD5;Epsilon;0.10\n',
    });
    succeeded(run.result, { read: 5, loaded: 3, skipped: 0, rejected: 2 });
    expect(
      run.ledger.map((entry) => [
        entry.reason,
        entry.location,
        entry.sourceKey,
        entry.column,
        entry.message,
        entry.raw,
      ]),
    ).toEqual([
      [
        'INVALID_AMOUNT',
        'deals.csv:3',
        'D2',
        'amount',
        'amount (source amount): "N/A" is not an amount',
        'D2;Beta;N/A',
      ],
      [
        'INVALID_AMOUNT',
        'deals.csv:4',
        'D3',
        'amount',
        'amount (source amount): "12,34,56" is not an amount',
        'D3;Gamma;12,34,56',
      ],
    ]);
    expect(run.rows('deal', 'source_key, amount')).toEqual([
      { source_key: 'D1', amount: '1234.5' },
      { source_key: 'D4', amount: '980' },
      { source_key: 'D5', amount: '0.1' },
    ]);
  });

  it('rejects a reference to a parent missing from its dossier as UNKNOWN_PARENT, naming the key quoted and its spaces', async () => {
    const run = await runCase({
      'cutover.yaml': `version: 1
name: bad-parents
target: { type: sqlite, url: target.db }
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { value: crm }
    key: company_id
    fields:
      name: name
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: last_name
      company_id: company_id
`,
      'companies.csv': 'company_id,name\nC1,Alpha\n',
      'contacts.csv': 'contact_id,last_name,company_id\nK1,Martin,C1\nK2,Petit,C9\nK3,Durand,\nK4,Roux,C1 \n',
    });
    succeeded(run.result, { read: 5, loaded: 3, skipped: 0, rejected: 2 });
    expect(run.ledger.map(where)).toEqual([
      {
        fate: 'rejected',
        reason: 'UNKNOWN_PARENT',
        location: 'contacts.csv:3',
        line: 3,
        sourceKey: 'K2',
        column: 'company_id',
        raw: 'K2,Petit,C9',
      },
      {
        fate: 'rejected',
        reason: 'UNKNOWN_PARENT',
        location: 'contacts.csv:5',
        line: 5,
        sourceKey: 'K4',
        column: 'company_id',
        raw: 'K4,Roux,C1 ',
      },
    ]);
    // The key quoted, and its spaces said: `C1 ` read as C1, the parent that exists.
    expect(run.ledger.map((entry) => entry.message)).toEqual([
      'company_id refers to company "C9", which does not exist in dossier crm',
      'company_id refers to company "C1 " (note the spaces around the key), which does not exist in dossier crm',
    ]);
    expect(run.rows('contact', 'source_key, company_id')).toEqual([
      { source_key: 'K1', company_id: 1 },
      { source_key: 'K3', company_id: null },
    ]);
  });

  it('loads the first record of a duplicated source key and rejects the later ones as DUPLICATE_SOURCE_KEY', async () => {
    const run = await runCase({
      'cutover.yaml': contactPlan,
      'contacts.csv':
        'contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,1980-01-02\nK2,Bruno,Petit,1981-03-04\nK1,Annie,Martin-Bis,1980-01-03\nK3,Chloé,Durand,1982-05-06\nK1,Anna,Martin-Ter,1980-01-04\n',
    });
    succeeded(run.result, { read: 5, loaded: 3, skipped: 0, rejected: 2 });
    expect(run.ledger.map((entry) => [entry.reason, entry.location, entry.sourceKey, entry.raw])).toEqual([
      ['DUPLICATE_SOURCE_KEY', 'contacts.csv:4', 'K1', 'K1,Annie,Martin-Bis,1980-01-03'],
      ['DUPLICATE_SOURCE_KEY', 'contacts.csv:6', 'K1', 'K1,Anna,Martin-Ter,1980-01-04'],
    ]);
    expect(run.rows('contact', 'source_key, first_name, last_name')).toEqual([
      { source_key: 'K1', first_name: 'Anne', last_name: 'Martin' },
      { source_key: 'K2', first_name: 'Bruno', last_name: 'Petit' },
      { source_key: 'K3', first_name: 'Chloé', last_name: 'Durand' },
    ]);
  });

  it('runs an empty file to success with 0 records and an EMPTY_FILE notice', async () => {
    const run = await runCase({ 'cutover.yaml': contactPlan, 'contacts.csv': '' });
    const json = succeeded(run.result, { read: 0, loaded: 0, skipped: 0, rejected: 0 });
    expect(json.notices).toEqual([
      {
        code: 'EMPTY_FILE',
        message: 'contacts.csv is empty (0 bytes): no records',
        source: 'contacts.csv',
        dossier: 'crm',
        entity: 'contact',
      },
    ]);
    expect(run.ledger).toEqual([]);
    expect(run.rows('contact')).toEqual([]);
    const human = await cli(['run', '--plan', path.join(run.dir, 'cutover.yaml')]);
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stdout).toContain('EMPTY_FILE contacts.csv is empty (0 bytes): no records');
  });

  it('stops with exit code 4 and one line naming the file when a source file does not exist', async () => {
    const run = await runCase({
      'cutover.yaml': contactPlan.replace('contacts.csv', 'exports/contacts-2024.csv'),
    });
    expect(run.result.code, describeResult(run.result)).toBe(4);
    expect(jsonError(run.result)).toMatchObject({
      exitCode: 4,
      message: 'exports/contacts-2024.csv: the file does not exist',
    });
    expect(run.result.stderr).toBe('cutover: exports/contacts-2024.csv: the file does not exist\n');
  });

  it('stops with exit code 4 naming the pattern when a path with wildcards matches no file (export/ for exports/)', async () => {
    // Before, the run succeeded on nothing, and reconcile said every record was accounted for.
    const run = await runCase({
      'cutover.yaml': contactPlan.replace('contacts.csv', 'export/*.csv'),
      'exports/contacts.csv': 'id,name\n1,Lee\n',
    });
    expect(run.result.code, describeResult(run.result)).toBe(4);
    expect(jsonError(run.result)).toMatchObject({ code: 'FILE_NOT_FOUND', exitCode: 4 });
    expect(run.result.stderr).toBe(
      `cutover: contact: no file matches export/*.csv (paths are relative to the plan's folder, ${run.dir})\n`,
    );
  });

  it('stops with exit code 4 naming the server, and never the password, when the target database refuses the connection', async () => {
    const run = await runCase(
      {
        'cutover.yaml': contactPlan.replace(
          'target: { type: sqlite, url: target.db }',
          'target: { type: postgres, url: "postgres://cutover:${TARGET_PASSWORD}@127.0.0.1:1/newcrm" }',
        ),
        'contacts.csv': 'contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,1980-01-02\n',
      },
      ['--json'],
    );
    const password = 'Very5ecretPassw0rd';
    const refused = await cli(['run', '--plan', path.join(run.dir, 'cutover.yaml'), '--json'], {
      env: { TARGET_PASSWORD: password },
    });
    expect(refused.code, describeResult(refused)).toBe(4);
    expect(jsonError(refused)).toMatchObject({ code: 'CONNECTION_FAILED', exitCode: 4 });
    expect(refused.stdout).not.toContain(password);
    expect(refused.stderr).toContain('127.0.0.1:1');
    expect(refused.stderr).toContain('ECONNREFUSED');
    expect(refused.stderr).not.toContain(password);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    // Without the variable, the plan itself is refused (exit 2), naming the variable.
    expect(run.result.code, describeResult(run.result)).toBe(2);
    expect(run.result.stderr).toContain('TARGET_PASSWORD');
  });

  it('names the target and the state store as the plan writes them, never a value of their variables, when they cannot be reached', async () => {
    const url = 'postgres://${DB_USER}:${DB_PASS}@${DB_HOST}:1/${DB_NAME}?application_name=${APP_TOKEN}';
    const dir = tempDir('cutover-e2e-bad-');
    writeFiles(dir, {
      'cutover.yaml': contactPlan.replace(
        'target: { type: sqlite, url: target.db }',
        `target: { type: postgres, url: "${url}" }`,
      ),
      'contacts.csv': 'contact_id,first_name,last_name,birth_date\nK1,Anne,Martin,1980-01-02\n',
    });
    const env = {
      DB_USER: 'payroll-admin',
      DB_PASS: 'Very5ecretPassw0rd',
      DB_HOST: '127.0.0.1',
      DB_NAME: 'acquisition_target',
      APP_TOKEN: 'tok-4f9a1c',
    };
    const plan = path.join(dir, 'cutover.yaml');
    const target = await cli(['run', '--plan', plan], { env });
    expect(target.code, describeResult(target)).toBe(4);
    expect(target.stderr).toMatch(
      /^cutover: cannot connect to the PostgreSQL target postgres:\/\/\$\{DB_USER\}:\$\{DB_PASS\}@\$\{DB_HOST\}:1\/\$\{DB_NAME\}\?application_name=\$\{APP_TOKEN\}: .*ECONNREFUSED/,
    );
    const state = await cli(['ledger', '--plan', plan, '--state', url], { env });
    expect(state.code, describeResult(state)).toBe(4);
    expect(state.stderr).toContain(`cannot open the state store ${url}: `);
    for (const value of Object.values(env)) {
      expect(target.stderr).not.toContain(value);
      expect(state.stderr).not.toContain(value);
    }
  });

  it('refuses a plan with a misspelt field with exit code 2, the YAML line and the field path', async () => {
    const plan = contactPlan.replace('    fields:\n', '    feilds:\n');
    const line = plan.split('\n').findIndex((text) => text.includes('feilds:')) + 1;
    expect(line).toBe(9);
    const run = await runCase({ 'cutover.yaml': plan, 'contacts.csv': 'contact_id\nK1\n' });
    expect(run.result.code, describeResult(run.result)).toBe(2);
    expect(jsonError(run.result)).toMatchObject({
      code: 'PLAN_INVALID',
      exitCode: 2,
      planErrors: [
        {
          file: path.join(run.dir, 'cutover.yaml'),
          line,
          path: 'entities.contact.feilds',
          message: 'unknown field "feilds" (did you mean "fields"?)',
        },
      ],
    });
    expect(run.result.stderr).toContain(
      `cutover.yaml:${line} entities.contact.feilds: unknown field "feilds" (did you mean "fields"?)`,
    );
    expect(run.ledger).toEqual([]);
  });

  it('stops a dossier whose file lacks a column the plan reads, naming it and the likely one; the others load, and the fixed file resumes', async () => {
    // Before, a misspelt or absent column read as empty on every record: all of them rejected as REQUIRED_MISSING
    // "is required but empty", or, for an optional field, loaded empty without a word.
    const plan = contactPlan
      .replace('path: contacts.csv', 'path: "{dossier}/contacts.csv"')
      .replace('    dossier: { value: crm }\n', '')
      .replace('first_name: first_name', 'first_name: first_name\n      email: Email');
    const good = 'contact_id,first_name,last_name,birth_date,Email\nK1,Ann,Lee,1980-01-02,ann@x.fr\n';
    const run = await runCase({
      'cutover.yaml': plan,
      'a/contacts.csv': good,
      // Another export of the same software, with a header written by hand: "Surname" and " Email".
      'b/contacts.csv': 'contact_id,first_name,Surname,birth_date, Email\nK2,Bob,Ray,1981-02-03,bob@x.fr\n',
    });
    expect(run.result.code, describeResult(run.result)).toBe(4);
    const json = parseJsonStdout<RunJson & { dossiers: { unreadable: { id: string; message: string }[] } }>(
      run.result,
    );
    expect(json.status).toBe('unreadable_sources');
    expect(json.dossiers.unreadable).toEqual([
      {
        id: 'b',
        entity: 'contact',
        message:
          'contact: b/contacts.csv has no column "Email" (read by field email; did you mean " Email"?), ' +
          '"last_name" (read by field last_name); its columns are "contact_id", "first_name", ' +
          '"Surname", "birth_date", " Email". Name the column as the source writes it in the plan',
      },
    ]);
    expect(run.rows('contact', 'source_key, last_name, email')).toEqual([
      { source_key: 'K1', last_name: 'Lee', email: 'ann@x.fr' },
    ]);
    // Nothing of b was read as empty: no ledger entry, no row.
    expect(run.ledger).toEqual([]);

    // A dry run says the same, without a resume to offer (it writes nothing).
    const dry = await cli(['run', '--dry-run', '--plan', path.join(run.dir, 'cutover.yaml')]);
    expect(dry.code, describeResult(dry)).toBe(4);
    expect(`${dry.stdout}${dry.stderr}`).toMatch(
      /^Dry run \S+: incomplete: a source file of 1 dossier could not be read \(the others went on; fix it and dry-run again\)\n.*\n {2}not read {2}b \(contact\): contact: b\/contacts.csv has no column "Email"/,
    );

    writeFiles(run.dir, { 'b/contacts.csv': good.replace('K1,Ann,Lee', 'K2,Bob,Ray') });
    const resumed = await cli(['run', '--plan', path.join(run.dir, 'cutover.yaml'), '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(run.rows('contact', 'source_key, last_name')).toEqual([
      { source_key: 'K1', last_name: 'Lee' },
      { source_key: 'K2', last_name: 'Ray' },
    ]);
  });

  it('checks the columns of an entity that replays a file another entity read, as of one that reads it', async () => {
    // Both entities read people.csv: the second replays the first one's read, whose columns it is checked against.
    const plan = `version: 1
name: bad-input
target: { type: sqlite, url: target.db }
entities:
  company:
    source: { type: csv, path: people.csv }
    dossier: { value: crm }
    key: company_id
    distinct: true
    fields:
      name: company_name
  contact:
    source: { type: csv, path: people.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: lastnme
      company_id: company_id
`;
    const run = await runCase({
      'cutover.yaml': plan,
      'people.csv': 'contact_id,last_name,company_id,company_name\nK1,Lee,C1,Acme\n',
    });
    expect(run.result.code, describeResult(run.result)).toBe(4);
    const json = parseJsonStdout<{
      dossiers: { unreadable: { id: string; entity: string; message: string }[] };
    }>(run.result);
    expect(json.dossiers.unreadable).toEqual([
      {
        id: 'crm',
        entity: 'contact',
        message:
          'contact: people.csv has no column "lastnme" (read by field last_name; did you mean "last_name"?); its ' +
          'columns are "contact_id", "last_name", "company_id", "company_name". Name the column as the source ' +
          'writes it in the plan',
      },
    ]);
  });

  it('refuses a dossier registry whose id column its file does not have (exit 2), rather than read no dossier from it', async () => {
    const plan = `version: 1
name: bad-input
target: { type: sqlite, url: target.db }
dossiers:
  registry:
    source: { type: csv, path: registry.csv }
    id: dossier
    name: client
entities:
  contact:
    source: { type: csv, path: "{dossier}/contacts.csv" }
    key: contact_id
    fields:
      last_name: last_name
`;
    const run = await runCase({
      'cutover.yaml': plan,
      'registry.csv': 'dossier_id,client\nA,Client A\nB,Client B\n',
      'A/contacts.csv': 'contact_id,last_name\nK1,Lee\n',
    });
    expect(run.result.code, describeResult(run.result)).toBe(2);
    expect(run.result.stderr).toBe(
      'cutover: registry: registry.csv has no column "dossier" (read by the registry id; did you mean ' +
        '"dossier_id"?); its columns are "dossier_id", "client". Name the column as the source writes it in the plan\n',
    );
    expect(run.ledger).toEqual([]);
  });

  it('refuses a plan naming a column its database table does not have, with exit code 2, before loading', async () => {
    const dir = tempDir('cutover-e2e-bad-');
    const legacy = new Database(path.join(dir, 'legacy.db'));
    legacy.exec(
      "CREATE TABLE contacts (contact_id TEXT, last_name TEXT); INSERT INTO contacts VALUES ('K1', 'Lee')",
    );
    legacy.close();
    writeFiles(dir, {
      'cutover.yaml': `version: 1
name: bad-input
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: sqlite, url: legacy.db, table: contacts }
    key: contact_id
    fields:
      last_name: { from: lastname, required: true }
`,
    });
    const result = await cli(['run', '--plan', path.join(dir, 'cutover.yaml')]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toBe(
      `cutover: contact: SQLite ${path.join(dir, 'legacy.db')} table contacts has no column "lastname" (read by ` +
        'field last_name; did you mean "last_name"?); its columns are "contact_id", "last_name". Name the column ' +
        'as the source writes it in the plan\n',
    );
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
  });

  it('stops a dossier whose rejected ratio crosses maxRejectedRatio with exit code 3, its ledger complete for what was read', async () => {
    const contacts = ['contact_id,first_name,last_name,birth_date'];
    for (let i = 1; i <= 3000; i++)
      contacts.push(`K${i},First${i},Last${i},${i <= 1000 && i % 4 === 0 ? '1980-02-30' : '1980-02-28'}`);
    const deals = [
      'deal_id,title,contact_id',
      ...Array.from({ length: 10 }, (_, i) => `D${i + 1},Deal ${i + 1},K${i + 1}`),
    ];
    const run = await runCase(
      {
        'cutover.yaml': `${contactPlan.replace('entities:', 'batchSize: 500\nthresholds:\n  maxRejectedRatio: 0.1\nentities:')}  deal:
    source: { type: csv, path: deals.csv }
    dossier: { value: crm }
    key: deal_id
    fields:
      name: title
      contact_id: contact_id
`,
        'contacts.csv': `${contacts.join('\n')}\n`,
        'deals.csv': `${deals.join('\n')}\n`,
      },
      [],
    );
    expect(run.result.code, describeResult(run.result)).toBe(3);
    expect(run.result.stdout).toContain('stopped: a rejected-records threshold was crossed');
    expect(run.result.stdout).toContain('threshold crossed in crm');
    // The check runs from 1,000 records on: the second batch of 500 crosses 10 % (250 of 1,000) and stops the dossier.
    expect(run.ledger).toHaveLength(250);
    expect(new Set(run.ledger.map((entry) => entry.reason))).toEqual(new Set(['INVALID_DATE']));
    expect(run.ledger.map((entry) => entry.line)).toEqual(
      Array.from({ length: 250 }, (_, i) => (i + 1) * 4 + 1),
    );
    const loaded = run.rows('contact');
    expect(loaded).toHaveLength(750);
    expect(loaded.length + run.ledger.length).toBe(1000);
    expect(loaded.at(-1)).toEqual({ source_key: 'K999' });
    // The dossier stopped: the entity after contacts was not loaded.
    expect(run.rows('deal')).toEqual([]);

    const json = await cli(['run', '--plan', path.join(run.dir, 'cutover.yaml'), '--json']);
    expect(json.code, describeResult(json)).toBe(3);
    const summary = parseJsonStdout<RunJson>(json);
    expect(summary.status).toBe('threshold_crossed');
    expect(summary.dossiers).toEqual({ total: 1, done: 0, thresholdCrossed: ['crm'], unreadable: [] });
    expect(summary.records).toEqual({ read: 1000, loaded: 750, merged: 0, skipped: 0, rejected: 250 });
    expect(summary.entities.deal).toBeUndefined();

    // The process dies after that dossier stopped, before the run is recorded as finished (a later dossier was
    // loading): the same command resumes the run, and must stop the dossier where the uninterrupted run did.
    const state = new Database(defaultStatePath(run.dir));
    state
      .prepare(
        "UPDATE run SET status = 'running', finished_at = NULL WHERE id = (SELECT id FROM run ORDER BY started_at DESC LIMIT 1)",
      )
      .run();
    state.close();
    const resumed = await cli(['run', '--plan', path.join(run.dir, 'cutover.yaml'), '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(3);
    const resumedSummary = parseJsonStdout<RunJson & { resumed: boolean }>(resumed);
    expect(resumedSummary.resumed).toBe(true);
    expect(resumedSummary.records).toEqual({ read: 1000, loaded: 750, merged: 0, skipped: 0, rejected: 250 });
    expect(run.rows('contact')).toHaveLength(750);
    expect(await readLedger(defaultStatePath(run.dir))).toHaveLength(250);
  });
});

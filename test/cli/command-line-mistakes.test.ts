import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, jsonError, parseJsonStdout } from '../e2e/support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from '../e2e/support/crm-fixture.js';
import { defaultStatePath, querySqlite, writeFiles } from '../e2e/support/helpers.js';

/**
 * Mistakes a person makes on the command line: each is refused before anything is done, with one line naming what
 * is wrong and the exit code of its kind (README: 2 for the command line or the plan, 4 for files and databases),
 * never exit 1 and a stack trace, which is kept for bugs of cutover's.
 */
describe('command-line mistakes', () => {
  /** A small CRM plan that has been run once: its state store and target exist. */
  let dir: string;
  let plan: string;

  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-cli-mistakes-');
    plan = path.join(dir, 'cutover.yaml');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
  }, 240_000);

  it('refuses a numeric option that is not a whole number in range, naming the option and the value (exit 2)', async () => {
    const cases: { args: string[]; option: string; value: string }[] = [
      { args: ['ledger', '--plan', plan, '--limit', 'abc'], option: '--limit <n>', value: 'abc' },
      { args: ['ledger', '--plan', plan, '--limit', '-3'], option: '--limit <n>', value: '-3' },
      { args: ['review', '--plan', plan, '--limit', 'abc'], option: '--limit <n>', value: 'abc' },
      { args: ['review', 'golden', '--plan', plan, '--limit', 'abc'], option: '--limit <n>', value: 'abc' },
      {
        args: ['dedupe', '--plan', plan, '--entity', 'contact', '--review', 'abc'],
        option: '--review <n>',
        value: 'abc',
      },
      { args: ['link', '--plan', plan, '--review', 'abc'], option: '--review <n>', value: 'abc' },
      {
        args: ['dedupe', 'run', '--input', path.join(dir, 'contacts.csv'), '--review', '1e3'],
        option: '--review <n>',
        value: '1e3',
      },
      {
        args: ['generate', '--dossiers', 'abc', '--out', path.join(dir, 'generated')],
        option: '--dossiers <n>',
        value: 'abc',
      },
      {
        args: ['generate', '--dossiers', '1', '--seed', 'x', '--out', path.join(dir, 'generated')],
        option: '--seed <n>',
        value: 'x',
      },
      {
        args: ['demo', '--dossiers', 'abc', '--out', path.join(dir, 'demo')],
        option: '--dossiers <n>',
        value: 'abc',
      },
      { args: ['reconcile', '--plan', plan, '--threads', '0'], option: '--threads <n>', value: '0' },
    ];
    const results = await Promise.all(cases.map((test) => cli(test.args)));
    results.forEach((result, index) => {
      const { args, option, value } = cases[index]!;
      const shown = `cutover ${args.join(' ')}\n${describeResult(result)}`;
      expect(result.code, shown).toBe(2);
      expect(result.stderr, shown).toContain(`option '${option}' argument '${value}' is invalid`);
      // Refused before the command starts: `demo` no longer says "Generating abc dossiers" first.
      expect(result.stdout, shown).toBe('');
    });
    expect(existsSync(path.join(dir, 'generated'))).toBe(false);
    expect(existsSync(path.join(dir, 'demo'))).toBe(false);
    // A valid limit still limits.
    const limited = await cli(['ledger', '--plan', plan, '--limit', '2', '--json']);
    expect(limited.code, describeResult(limited)).toBe(0);
    expect(parseJsonStdout<{ entries: unknown[] }>(limited).entries).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual(
      ['.cutover', 'companies.csv', 'contacts.csv', 'cutover.yaml', 'target.db'].sort(),
    );
  });

  it('refuses a path it cannot write with one line naming the path and the cause, exit 4, no stack trace', async () => {
    const files = tempDir('cutover-cli-paths-');
    // A file where the command line puts a folder, and a folder that does not exist.
    const aFile = path.join(files, 'afile');
    writeFileSync(aFile, 'not a folder');
    const noDir = path.join(files, 'nodir');
    writeFiles(files, {
      'dedupe.yaml': [
        'id: contact_id',
        'fields:',
        '  - { column: last_name, kind: last_name }',
        '  - { column: email, kind: email }',
        'blocking: [[email], [last_name]]',
      ].join('\n'),
    });
    const cases: { args: string[]; message: string }[] = [
      {
        args: ['init', '--out', path.join(noDir, 'p.yaml')],
        message: `cannot write --out ${noDir}/p.yaml: the folder ${noDir} does not exist`,
      },
      {
        args: ['generate', '--dossiers', '1', '--out', aFile],
        message: `cannot write --out ${aFile}: ${aFile} is a file, not a folder`,
      },
      {
        args: ['demo', '--dossiers', '1', '--out', aFile],
        message: `cannot write --out ${aFile}: ${aFile} is a file, not a folder`,
      },
      {
        args: ['evidence', '--plan', plan, '--out', path.join(aFile, 'ev')],
        message: `cannot write --out ${aFile}/ev: ${aFile} is a file, not a folder`,
      },
      {
        args: ['fec', 'export', '--plan', plan, '--dossier', 'crm', '--out', path.join(aFile, 'x.txt')],
        message: `cannot write --out ${aFile}/x.txt: ${aFile} is a file, not a folder`,
      },
      {
        args: [
          'dedupe',
          'run',
          '--input',
          path.join(dir, 'contacts.csv'),
          '--config',
          path.join(files, 'dedupe.yaml'),
          '--out',
          path.join(noDir, 'x.json'),
        ],
        message: `cannot write --out ${noDir}/x.json: the folder ${noDir} does not exist`,
      },
    ];
    const results = await Promise.all(cases.map((test) => cli(test.args)));
    results.forEach((result, index) => {
      const { args, message } = cases[index]!;
      const shown = `cutover ${args.join(' ')}\n${describeResult(result)}`;
      expect(result.code, shown).toBe(4);
      expect(result.stderr, shown).toBe(`cutover: ${message}\n`);
      expect(result.stdout, shown).toBe('');
    });
    expect(readdirSync(files).sort()).toEqual(['afile', 'dedupe.yaml']);
  });

  it('refuses an unknown --dossier before any run is recorded: no phantom run left running', async () => {
    const runs = () =>
      querySqlite<{ command: string; status: string }>(
        defaultStatePath(dir),
        'SELECT command, status FROM run ORDER BY started_at',
      );
    const before = runs();
    for (const args of [
      ['--dossier', 'NOPE'],
      ['--dossier', 'NOPE', '--dry-run'],
    ]) {
      const refused = await cli(['run', '--plan', plan, ...args, '--json']);
      expect(refused.code, describeResult(refused)).toBe(2);
      expect(refused.stderr).toContain('unknown dossier NOPE');
    }
    expect(runs()).toEqual(before);
    expect(runs().filter((run) => run.status === 'running')).toEqual([]);
    // The next run is a run of its own, not the resumption of the refused one.
    const next = await cli(['run', '--plan', plan, '--json']);
    expect(next.code, describeResult(next)).toBe(0);
    expect(parseJsonStdout<{ resumed: boolean }>(next).resumed).toBe(false);
  });

  it('refuses a --state that is neither a SQLite path nor a postgres:// URL, creating nothing (exit 2)', async () => {
    const cwd = tempDir('cutover-cli-state-url-');
    for (const command of [['ledger'], ['run'], ['review']]) {
      const result = await cli([...command, '--plan', plan, '--state', 'mysql://root:pw@127.0.0.1/test'], {
        cwd,
      });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toBe(
        'cutover: --state mysql://root:***@127.0.0.1/test: the state store is a SQLite file path or a postgres:// URL\n',
      );
    }
    // It used to become the SQLite file mysql:/root@127.0.0.1/test beside the plan.
    expect(existsSync(path.join(dir, 'mysql:'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
    // validate says the same of the plan's own `state`, with its line.
    writeFiles(cwd, {
      'state.yaml': crmPlan().replace('name: small-crm\n', 'name: small-crm\nstate: mysql://root@h/db\n'),
    });
    const validate = await cli(['validate', '--plan', path.join(cwd, 'state.yaml')]);
    expect(validate.code, describeResult(validate)).toBe(2);
    expect(validate.stderr).toContain(
      'state.yaml:3 state: mysql://root@h/db: the state store is a SQLite file path or a postgres:// URL',
    );
  });

  it('commands that read the state store refuse one that does not exist instead of creating it (exit 4)', async () => {
    const parent = tempDir('cutover-cli-no-state-');
    const state = path.join(parent, 'nowhere', 'state.db');
    const commands = [
      ['ledger'],
      ['review'],
      ['review', 'golden'],
      ['review', 'decide', 'P1', 'same'],
      ['dedupe', 'undo', '--entity', 'contact', '--survivor', 'K1'],
      ['reconcile'],
      ['evidence', '--out', path.join(parent, 'evidence')],
      ['replay'],
    ];
    const results = await Promise.all(
      commands.map((command) => cli([...command, '--plan', plan, '--state', state, '--json'])),
    );
    results.forEach((result, index) => {
      const shown = `cutover ${commands[index]!.join(' ')}\n${describeResult(result)}`;
      expect(result.code, shown).toBe(4);
      expect(jsonError(result), shown).toMatchObject({ code: 'FILE_NOT_FOUND', exitCode: 4 });
      expect(result.stderr, shown).toBe(
        `cutover: no state store at ${state}: has \`cutover run\` been run with this plan and this --state? (this command reads it and creates none)\n`,
      );
    });
    expect(readdirSync(parent)).toEqual([]);
    // The plan's own state store, which the run made, is read as before.
    const ledger = await cli(['ledger', '--plan', plan, '--json']);
    expect(ledger.code, describeResult(ledger)).toBe(0);
  });

  it('commands that read the target (link too) refuse a SQLite target file that does not exist, naming it, instead of creating it (exit 4)', async () => {
    const parent = tempDir('cutover-cli-no-target-');
    const target = path.join(parent, 'target.db');
    // The run's plan and state store, its target moved away (deleted, or never made on this machine).
    const elsewhere = path.join(parent, 'cutover.yaml');
    writeFiles(parent, { 'cutover.yaml': crmPlan().replace('url: target.db', `url: ${target}`) });
    const state = defaultStatePath(dir);
    const commands = [
      ['reconcile', '--state', state],
      ['evidence', '--state', state, '--out', path.join(parent, 'evidence')],
      ['fec', 'export', '--dossier', 'crm', '--out', path.join(parent, 'exports') + path.sep],
      // link creates its state store (its own here, so the run's is left as it was), never the target.
      ['link', '--state', path.join(tempDir('cutover-cli-no-target-link-'), 'state.db')],
    ];
    const results = await Promise.all(
      commands.map((command) => cli([...command, '--plan', elsewhere, '--json'])),
    );
    results.forEach((result, index) => {
      const shown = `cutover ${commands[index]!.join(' ')}\n${describeResult(result)}`;
      expect(result.code, shown).toBe(4);
      expect(jsonError(result), shown).toMatchObject({ code: 'FILE_NOT_FOUND', exitCode: 4 });
      expect(result.stderr, shown).toBe(
        `cutover: the target file ${target} does not exist: has \`cutover run\` been run with this plan? (this command reads it and creates none)\n`,
      );
    });
    expect(readdirSync(parent)).toEqual(['cutover.yaml']);
  });

  it('ledger and review refuse an --entity that is no canonical entity, and ledger a --dossier that names none (exit 2)', async () => {
    const entity = await cli(['ledger', '--plan', plan, '--entity', 'contacts', '--json']);
    expect(entity.code, describeResult(entity)).toBe(2);
    expect(jsonError(entity)).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(entity.stderr).toMatch(
      /^cutover: unknown entity contacts: the entities are user, company, contact, .*entry_line\n$/,
    );
    const dossier = await cli(['ledger', '--plan', plan, '--dossier', 'NOPE', '--json']);
    expect(dossier.code, describeResult(dossier)).toBe(2);
    expect(dossier.stderr).toBe(
      'cutover: unknown dossier NOPE: not among the 1 dossier of this plan (crm)\n',
    );
    const review = await cli(['review', '--plan', plan, '--entity', 'contacts', '--json']);
    expect(review.code, describeResult(review)).toBe(2);
    expect(review.stderr).toContain('unknown entity contacts');
    // Known names still select: the contact's rejects in dossier crm, and link's own review entity.
    const known = await cli(['ledger', '--plan', plan, '--entity', 'contact', '--dossier', 'crm', '--json']);
    expect(known.code, describeResult(known)).toBe(0);
    expect(
      parseJsonStdout<{ entries: { entity: string }[] }>(known).entries.map((entry) => entry.entity),
    ).toEqual(Array<string>(5).fill('contact'));
    const link = await cli(['review', '--plan', plan, '--entity', 'link', '--json']);
    expect(link.code, describeResult(link)).toBe(0);
  });

  it('review and review golden refuse a --dossier that names none, rather than an empty queue (exit 2)', async () => {
    for (const args of [['review'], ['review', 'golden', '--entity', 'contact']]) {
      const result = await cli([...args, '--plan', plan, '--dossier', 'NOPE']);
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toBe(
        'cutover: unknown dossier NOPE: not among the 1 dossier of this plan (crm)\n',
      );
      const known = await cli([...args, '--plan', plan, '--dossier', 'crm']);
      expect(known.code, describeResult(known)).toBe(0);
    }
  });
});

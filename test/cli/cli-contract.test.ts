import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { canonicalModel, entityNames } from '../../src/core/model/canonical-model.js';
import type { Manifest } from '../../src/generator/manifest.js';
import { tempDir } from '../support/stores.js';
import {
  cli,
  describeResult,
  ensureBuilt,
  jsonError,
  parseJsonStdout,
  startCli,
} from '../e2e/support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from '../e2e/support/crm-fixture.js';
import { writeFiles } from '../e2e/support/helpers.js';
import { sharedData } from '../support/shared-data.js';

/** What scripts and people rely on: exit codes, `--json` output that is JSON and nothing else, the plan tools. */
describe('the cutover command line', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('demo --json exits 0 with records.unaccounted 0 and counts that add up to the generated portfolio', async () => {
    const parent = tempDir('cutover-cli-demo-');
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
    const out = path.join(parent, 'demo');
    const demo = await cli(['demo', '--json', '--dossiers', '3', '--out', out]);
    expect(demo.code, describeResult(demo)).toBe(0);
    const json = parseJsonStdout<{
      reconciled: boolean;
      contentMismatches: number;
      dossiers: { total: number; reconciled: number };
      records: {
        read: number;
        loaded: number;
        skipped: number;
        rejected: number;
        merged: number;
        unaccounted: number;
      };
      dedupe: { contact: { merged: number } };
      link: { clients: number; linkedRecords: number };
    }>(demo);
    expect(json.records.unaccounted).toBe(0);
    expect(json.reconciled).toBe(true);
    expect(json.contentMismatches).toBe(0);
    expect(json.dossiers).toEqual({ total: 4, reconciled: 4 });
    expect(json.records.read).toBe(
      json.records.loaded + json.records.skipped + json.records.rejected + json.records.merged,
    );
    // The demo deduplicates the CRM's contacts before the run and links clients after it.
    expect(json.records.merged).toBe(json.dedupe.contact.merged);
    expect(json.records.merged).toBeGreaterThan(0);
    expect(json.link.linkedRecords).toBeGreaterThan(json.link.clients);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(json.records.read).toBe(Object.values(manifest.counts).reduce((sum, count) => sum + count, 0));
    expect(json.records.skipped + json.records.rejected).toBe(
      manifest.defects.filter((defect) => defect.expected.fate !== 'loaded').length,
    );
    expect(existsSync(path.join(out, 'target.db'))).toBe(true);
  }, 120_000);

  it('validate accepts a good plan (exit 0) and says so in JSON with the load order', async () => {
    const dir = tempDir('cutover-cli-validate-');
    writeFiles(dir, { 'cutover.yaml': crmPlan() });
    const human = await cli(['validate', '--plan', path.join(dir, 'cutover.yaml')]);
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stdout).toMatch(
      /is valid \(version [0-9a-f]{16}\): entities load in the order company, contact\.\n$/,
    );
    const json = await cli(['validate', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(json.code, describeResult(json)).toBe(0);
    expect(parseJsonStdout(json)).toEqual({
      valid: true,
      version: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
      order: ['company', 'contact'],
    });
  });

  it('validate refuses an unknown entity (with its YAML line) and a reference cycle, with exit code 2', async () => {
    const dir = tempDir('cutover-cli-invalid-');
    const misspelt = crmPlan().replace('  contact:\n', '  contacts:\n');
    const line = misspelt.split('\n').indexOf('  contacts:') + 1;
    writeFiles(dir, { 'unknown.yaml': misspelt });
    const unknown = await cli(['validate', '--plan', path.join(dir, 'unknown.yaml')]);
    expect(unknown.code, describeResult(unknown)).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain(`unknown.yaml:${line} entities.contacts: unknown entity "contacts"`);

    // company.primary_contact_id -> contact and contact.company_id -> company: neither can load first.
    writeFiles(dir, {
      'cycle.yaml': crmPlan().replace(
        '      city: city\n',
        '      city: city\n      primary_contact_id: main_contact\n',
      ),
    });
    const cycle = await cli(['validate', '--plan', path.join(dir, 'cycle.yaml')]);
    expect(cycle.code, describeResult(cycle)).toBe(2);
    expect(cycle.stdout).toBe('');
    expect(cycle.stderr).toMatch(/cycle: (company -> contact -> company|contact -> company -> contact)/);
  });

  it('validate refuses a literal password in a connection URL (state, target, source) as run does, with its YAML line', async () => {
    const dir = tempDir('cutover-cli-password-');
    const withPassword = crmPlan()
      .replace('name: small-crm\n', 'name: small-crm\nstate: "postgres://u:sup3rpass@h/db"\n')
      .replace(
        'target: { type: sqlite, url: target.db }',
        'target:\n  type: postgres\n  url: "postgres://u:sup3rpass@h/db"',
      )
      .replace(
        'source: { type: csv, path: companies.csv }',
        'source: { type: postgres, url: "postgres://u@h/db?password=hunter2", table: companies }',
      );
    const lines = withPassword.split('\n');
    const lineOf = (text: string) => lines.findIndex((line) => line.includes(text)) + 1;
    writeFiles(dir, { 'cutover.yaml': withPassword });
    const file = path.join(dir, 'cutover.yaml');
    const validate = await cli(['validate', '--plan', file]);
    expect(validate.code, describeResult(validate)).toBe(2);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).not.toContain('sup3rpass');
    expect(validate.stderr).not.toContain('hunter2');
    for (const [text, field] of [
      ['state:', 'state'],
      ['  url: "postgres://u:sup3rpass', 'target.url'],
      ['password=hunter2', 'entities.company.source.url'],
    ] as const) {
      expect(validate.stderr).toMatch(
        new RegExp(
          `cutover\\.yaml:${lineOf(text)} ${field.replace(/\./g, '\\.')}: the connection URL .* carries a password`,
        ),
      );
    }
    // What run says of the same plan: refused, exit 2, before anything is opened.
    const run = await cli(['run', '--plan', file]);
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain('carries a password');
    // A password named by an environment variable is what the plan should hold, set or not where validate runs.
    writeFiles(dir, {
      'ok.yaml': withPassword.replaceAll('sup3rpass', '${PGPASSWORD}').replace('hunter2', '${PW}'),
    });
    const ok = await cli(['validate', '--plan', path.join(dir, 'ok.yaml')], {
      env: { PGPASSWORD: undefined },
    });
    expect(ok.code, describeResult(ok)).toBe(0);
  });

  it('validate --json prints the verdict as JSON on stdout for an invalid plan too: each mistake with file, line and path', async () => {
    const dir = tempDir('cutover-cli-invalid-json-');
    const misspelt = crmPlan().replace('    key: contact_id\n', '    kee: contact_id\n');
    writeFiles(dir, {
      'cutover.yaml': misspelt,
      'password.yaml': crmPlan().replace('url: target.db', 'url: "postgres://u:secret@h/db"'),
      'cycle.yaml': crmPlan().replace(
        '      city: city\n',
        '      city: city\n      primary_contact_id: main_contact\n',
      ),
      'syntax.yaml': 'version: 1\nname: [unclosed\n',
    });
    const file = path.join(dir, 'cutover.yaml');
    const result = await cli(['validate', '--plan', file, '--json']);
    expect(result.code, describeResult(result)).toBe(2);
    const verdict = parseJsonStdout<{
      valid: boolean;
      errors: { file: string; line: number | null; path: string | null; message: string }[];
    }>(result);
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toContainEqual({
      file,
      line: misspelt.split('\n').indexOf('    kee: contact_id') + 1,
      path: 'entities.contact.kee',
      message: 'unknown field "kee" (did you mean "key"?)',
    });
    // The one line on stderr stays, as in every command.
    expect(result.stderr).toContain('unknown field "kee"');

    const password = await cli(['validate', '--plan', path.join(dir, 'password.yaml'), '--json']);
    expect(password.code, describeResult(password)).toBe(2);
    expect(parseJsonStdout(password)).toEqual({
      valid: false,
      errors: [
        {
          file: path.join(dir, 'password.yaml'),
          line: 3,
          path: 'target.url',
          message: expect.stringContaining('carries a password') as unknown,
        },
      ],
    });
    const cycle = await cli(['validate', '--plan', path.join(dir, 'cycle.yaml'), '--json']);
    expect(cycle.code, describeResult(cycle)).toBe(2);
    expect(parseJsonStdout(cycle)).toEqual({
      valid: false,
      errors: [
        {
          file: path.join(dir, 'cycle.yaml'),
          line: null,
          path: null,
          message: expect.stringMatching(/cycle/) as unknown,
        },
      ],
    });
    const syntax = await cli(['validate', '--plan', path.join(dir, 'syntax.yaml'), '--json']);
    expect(syntax.code, describeResult(syntax)).toBe(2);
    expect(
      parseJsonStdout<{ errors: { line: number | null; path: string | null }[] }>(syntax).errors[0],
    ).toMatchObject({ line: expect.any(Number) as unknown, path: null });
    // A plan that cannot be read is no verdict: exit 4, one line on stderr, the error as JSON on stdout.
    const missing = await cli(['validate', '--plan', path.join(dir, 'nowhere.yaml'), '--json']);
    expect(missing.code, describeResult(missing)).toBe(4);
    expect(jsonError(missing)).toMatchObject({ code: 'FILE_NOT_FOUND', exitCode: 4 });
  });

  it('schema prints a JSON Schema of the plan, with its entities and required fields', async () => {
    const result = await cli(['schema']);
    expect(result.code, describeResult(result)).toBe(0);
    const schema = parseJsonStdout<{
      title: string;
      type: string;
      properties: Record<string, unknown>;
      required: string[];
    }>(result);
    expect(schema.title).toBe('cutover plan');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['version', 'name', 'target', 'entities', 'batchSize', 'thresholds']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'name', 'target', 'entities']));
  });

  it('schema names the canonical entities and, per entity, its columns, so that an editor flags a typo', async () => {
    interface EntityRule {
      allOf: [{ $ref: string }, { properties: { fields: { propertyNames: { enum: string[] } } } }];
    }
    const schema = parseJsonStdout<{
      properties: { entities: { additionalProperties: boolean; properties: Record<string, EntityRule> } };
      $defs: Record<string, { properties: Record<string, unknown> }>;
    }>(await cli(['schema']));
    const { entities } = schema.properties;
    // `contacts:` is no entity, `emial:` no column of contact: both refused, as cutover validate refuses them.
    expect(entities.additionalProperties).toBe(false);
    expect(Object.keys(entities.properties)).toEqual(entityNames);
    const contact = entities.properties.contact!;
    const columns = contact.allOf[1].properties.fields.propertyNames.enum;
    expect(columns).toEqual(Object.keys(canonicalModel.contact.columns));
    expect(columns).toContain('email');
    expect(columns).not.toContain('emial');
    // The shared entity plan the rule refers to is there, with its source, key and fields.
    const referred = schema.$defs[contact.allOf[0].$ref.replace('#/$defs/', '')];
    expect(Object.keys(referred?.properties ?? {})).toEqual(
      expect.arrayContaining(['source', 'key', 'fields']),
    );
  });

  it('init writes a starter plan that validate accepts, and refuses to overwrite it', async () => {
    const dir = tempDir('cutover-cli-init-');
    const plan = path.join(dir, 'cutover.yaml');
    const init = await cli(['init', '--out', plan]);
    expect(init.code, describeResult(init)).toBe(0);
    expect(existsSync(plan)).toBe(true);
    const validate = await cli(['validate', '--plan', plan, '--json']);
    expect(validate.code, describeResult(validate)).toBe(0);
    expect(parseJsonStdout<{ valid: boolean; order: string[] }>(validate)).toMatchObject({
      valid: true,
      order: ['company', 'contact'],
    });
    const again = await cli(['init', '--out', plan]);
    expect(again.code, describeResult(again)).toBe(2);
    expect(again.stderr).toContain('exists; use --force');
  });

  it('stops quietly when its reader goes away (cutover … | head): exit 0, no stack trace', async () => {
    const child = startCli(['fec', 'validate', sharedData('fec', '0000000001FEC20220831.txt')]);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // Like `head -1`: read the first chunk, then close the pipe.
    child.stdout?.once('data', () => child.stdout?.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('init --fec writes a FEC plan that migrates a dossier folder as it stands', async () => {
    const dir = tempDir('cutover-cli-init-fec-');
    const plan = path.join(dir, 'cutover.yaml');
    const init = await cli(['init', '--out', plan, '--fec', 'fec/{dossier}/*FEC*.txt']);
    expect(init.code, describeResult(init)).toBe(0);
    mkdirSync(path.join(dir, 'fec', 'acme'), { recursive: true });
    copyFileSync(
      sharedData('fec', 'lasocietenouvelle_sample_tab.txt'),
      path.join(dir, 'fec', 'acme', '123456789FEC20241231.txt'),
    );
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const summary = parseJsonStdout<{ dossiers: { total: number }; records: { rejected: number } }>(run);
    expect(summary.dossiers.total).toBe(1);
    expect(summary.records.rejected).toBe(0);
    // The folder name is the dossier: the proof is asked for by it.
    const reconcile = await cli(['reconcile', '--plan', plan, '--dossier', 'acme', '--json']);
    expect(reconcile.code, describeResult(reconcile)).toBe(0);
    expect(parseJsonStdout<{ dossiers: { id: string }[] }>(reconcile).dossiers.map((d) => d.id)).toEqual([
      'acme',
    ]);
    // No registry: the SIREN of the dossier's file names names the export as the norm asks, not the folder.
    const exported = await cli([
      'fec',
      'export',
      '--plan',
      plan,
      '--dossier',
      'acme',
      '--out',
      `${dir}/out/`,
    ]);
    expect(exported.code, describeResult(exported)).toBe(0);
    expect(exported.stdout).toContain(path.join(dir, 'out', '123456789FEC20241231.txt'));
    expect(exported.stdout).not.toContain('named after the dossier id');
  });

  it('prints one JSON document and nothing else on stdout for run, reconcile, ledger and replay with --json', async () => {
    const dir = tempDir('cutover-cli-json-');
    const plan = path.join(dir, 'cutover.yaml');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });

    const dry = await cli(['run', '--plan', plan, '--dry-run', '--json']);
    expect(dry.code, describeResult(dry)).toBe(0);
    expect(parseJsonStdout<{ dryRun: boolean }>(dry).dryRun).toBe(true);

    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(parseJsonStdout<{ status: string }>(run).status).toBe('succeeded');
    expect(run.stderr).toBe('');

    const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<{ ok: boolean }>(reconciled).ok).toBe(true);

    const ledger = await cli(['ledger', '--plan', plan, '--json', '--fate', 'rejected']);
    expect(ledger.code, describeResult(ledger)).toBe(0);
    const { entries } = parseJsonStdout<{ entries: { reason: string; location: string }[] }>(ledger);
    expect(entries.map((entry) => `${entry.location} ${entry.reason}`)).toEqual([
      'companies.csv:6 REQUIRED_MISSING',
      'contacts.csv:5 DUPLICATE_SOURCE_KEY',
      'contacts.csv:6 UNKNOWN_PARENT',
      'contacts.csv:7 UNKNOWN_PARENT',
      'contacts.csv:9 INVALID_DATE',
    ]);

    const replay = await cli(['replay', '--plan', plan, '--json']);
    expect(replay.code, describeResult(replay)).toBe(0);
    expect(parseJsonStdout<{ rejectedBefore: number; rejectedAfter: number }>(replay)).toMatchObject({
      rejectedBefore: 5,
      rejectedAfter: 5,
    });

    const generated = await cli([
      'generate',
      '--dossiers',
      '1',
      '--no-crm',
      '--out',
      path.join(dir, 'portfolio'),
      '--json',
    ]);
    expect(generated.code, describeResult(generated)).toBe(0);
    expect(parseJsonStdout<{ counts: Record<string, number> }>(generated).counts.entry_line).toBeGreaterThan(
      0,
    );
  });

  it('exits 2 on a wrong command line (unknown command, unknown option, missing required option), as the README says', async () => {
    const unknown = await cli(['migrate']);
    expect(unknown.stderr).toContain("unknown command 'migrate'");
    const option = await cli(['run', '--bogus']);
    expect(option.stderr).toContain("unknown option '--bogus'");
    const required = await cli(['generate', '--out', tempDir('cutover-cli-usage-')]);
    expect(required.stderr).toContain("required option '--dossiers <n>' not specified");
    // README: `2` the plan or the command line is wrong; `1` is kept for internal errors (bugs).
    expect([unknown.code, option.code, required.code]).toEqual([2, 2, 2]);
  });

  it('help COMMAND shows the options of that command, of a subcommand too (help fec export), and refuses a name that is none (exit 2)', async () => {
    const nested = await cli(['help', 'fec', 'export']);
    expect(nested.code, describeResult(nested)).toBe(0);
    expect(nested.stdout).toMatch(/^Usage: cutover fec export \[options\]/);
    // Options that must be given say so (commander's help did not).
    expect(nested.stdout).toMatch(/--dossier <id> +the dossier to export \(required\)/);
    const top = await cli(['help', 'run']);
    expect(top.stdout).toMatch(/^Usage: cutover run \[options\]/);
    const none = await cli(['help', 'fec', 'import']);
    expect(none.code, describeResult(none)).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('cutover: no command "fec import": the commands of fec are export, validate\n');
  });

  it('prints its package version with --version and -V, exit 0', async () => {
    const { version } = JSON.parse(
      readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const result = await cli([flag]);
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it('exits 4 with one line naming the plan when the plan file does not exist', async () => {
    const dir = tempDir('cutover-cli-noplan-');
    const missing = await cli(['run', '--plan', path.join(dir, 'nowhere.yaml'), '--json']);
    expect(missing.code, describeResult(missing)).toBe(4);
    expect(jsonError(missing)).toMatchObject({ code: 'FILE_NOT_FOUND', exitCode: 4 });
    expect(missing.stderr).toBe(
      `cutover: cannot read the plan ${path.join(dir, 'nowhere.yaml')}: there is no such file (\`cutover init\` writes a starter plan)\n`,
    );
  });
});

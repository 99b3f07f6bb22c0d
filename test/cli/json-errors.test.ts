import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from '../e2e/support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from '../e2e/support/crm-fixture.js';
import { writeFiles } from '../e2e/support/helpers.js';

/** The one line a person reads on stderr, without its `cutover: ` prefix. */
const stderrMessage = (result: CliResult): string => result.stderr.replace(/^cutover: /, '').trimEnd();

/**
 * A script runs a command with --json and reads stdout as JSON. A command that fails as a whole (a wrong plan or
 * command line, a file or database it cannot reach) printed nothing there, so the script read an empty string: it
 * now gets one document, `{ error: { code, message, exitCode, ... } }`, with the exit code and the stderr line
 * unchanged.
 */
describe('--json on a failed command', () => {
  let dir: string;

  beforeAll(() => {
    ensureBuilt();
    dir = tempDir('cutover-cli-json-errors-');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'misspelt.yaml': crmPlan().replace('  contact:\n', '  contacts:\n'),
      'refused.yaml': crmPlan().replace(
        'target: { type: sqlite, url: target.db }',
        'target: { type: postgres, url: "postgres://postgres@127.0.0.1:1/nowhere" }',
      ),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });
  }, 240_000);

  it('gives an invalid plan as JSON (exit 2): code, message, exit code and each mistake with its file, line and path', async () => {
    const plan = path.join(dir, 'misspelt.yaml');
    const line = crmPlan().replace('  contact:\n', '  contacts:\n').split('\n').indexOf('  contacts:') + 1;
    const result = await cli(['run', '--plan', plan, '--json']);
    expect(result.code, describeResult(result)).toBe(2);
    const { error } = parseJsonStdout<{ error: Record<string, unknown> }>(result);
    expect(error).toMatchObject({
      code: 'PLAN_INVALID',
      message: stderrMessage(result),
      exitCode: 2,
      planErrors: [
        {
          file: plan,
          line,
          path: 'entities.contacts',
          message: expect.stringContaining('contacts') as unknown,
        },
      ],
    });
  });

  it('gives a file or database it cannot reach as JSON (exit 4), naming where', async () => {
    const noPlan = path.join(dir, 'nowhere.yaml');
    const missing = await cli(['reconcile', '--plan', noPlan, '--json']);
    expect(missing.code, describeResult(missing)).toBe(4);
    expect(parseJsonStdout(missing)).toEqual({
      error: {
        code: 'FILE_NOT_FOUND',
        message: stderrMessage(missing),
        exitCode: 4,
        context: { file: noPlan },
      },
    });

    const refused = await cli(['run', '--plan', path.join(dir, 'refused.yaml'), '--json']);
    expect(refused.code, describeResult(refused)).toBe(4);
    expect(parseJsonStdout(refused)).toMatchObject({
      error: { code: 'CONNECTION_FAILED', message: stderrMessage(refused), exitCode: 4 },
    });
  });

  it('gives a mistake of the command line as JSON (exit 2), in subcommands too, when --json was asked', async () => {
    const plan = path.join(dir, 'cutover.yaml');
    for (const args of [
      ['ledger', '--plan', plan, '--json', '--limit', 'abc'],
      ['ledger', '--plan', plan, '--limit', 'abc', '--json'],
      ['dedupe', 'eval', '--json'],
      ['review', 'golden', '--plan', plan, '--json', '--bogus'],
    ]) {
      const result = await cli(args);
      const shown = `cutover ${args.join(' ')}\n${describeResult(result)}`;
      expect(result.code, shown).toBe(2);
      expect(parseJsonStdout(result), shown).toEqual({
        error: {
          code: 'USAGE',
          message: expect.stringMatching(/^(option|required option|unknown option) '--/) as unknown,
          exitCode: 2,
        },
      });
      // Commander's own message and help stay on stderr for a person.
      expect(result.stderr, shown).toContain('Usage: cutover ');
    }
  });

  it('keeps stdout empty without --json, and for a command that takes no --json', async () => {
    const human = await cli(['run', '--plan', path.join(dir, 'nowhere.yaml')]);
    expect(human.code, describeResult(human)).toBe(4);
    expect(human.stdout).toBe('');
    const init = await cli(['init', '--out', path.join(dir, 'cutover.yaml'), '--json']);
    expect(init.code, describeResult(init)).toBe(2);
    expect(init.stdout).toBe('');
  });
});

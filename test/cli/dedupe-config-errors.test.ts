import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from '../e2e/support/cli.js';
import { writeFiles } from '../e2e/support/helpers.js';

/**
 * A `dedupe eval` / `dedupe run` config is YAML a person writes, as a plan is: a mistake in it is refused with the
 * file, the YAML line and the field path (exit 2), never as an internal error with a stack trace (exit 1).
 */
describe('dedupe config mistakes', () => {
  let dir: string;

  beforeAll(() => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-dedupe-config-');
    writeFiles(dir, {
      'people.csv': ['contact_id,first_name,last_name', '1,Ann,Lee', '2,Anne,Lee', '3,Bob,Ray'].join('\n'),
      // Line 3 opens a flow map that is never closed.
      'syntax.yaml': [
        'id: contact_id',
        'fields:',
        '  - { column: first_name, kind: first_name',
        '  - { column: last_name, kind: last_name }',
        'blocking: [[last_name]]',
      ].join('\n'),
      // Line 4 misspells `column`.
      'typo.yaml': [
        'id: contact_id',
        'fields:',
        '  - { column: first_name, kind: first_name }',
        '  - { colum: last_name, kind: last_name }',
        'blocking: [[first_name]]',
      ].join('\n'),
    });
  }, 240_000);

  const dedupeRun = (config: string) =>
    cli(['dedupe', 'run', '--input', path.join(dir, 'people.csv'), '--config', config], { cwd: dir });

  it('refuses a YAML syntax error with the file and its line (exit 2, no stack trace)', async () => {
    const result = await dedupeRun('syntax.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).toMatch(/^cutover: dedupe config is not valid:\n {2}syntax\.yaml:\d+: /);
  });

  it('refuses a misspelt field with the file, the YAML line and the field path', async () => {
    const result = await dedupeRun('typo.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('typo.yaml:4 fields[1].colum: unknown field "colum"');
  });
});

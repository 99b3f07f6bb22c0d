import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, repoRoot } from '../e2e/support/cli.js';
import { writeFiles } from '../e2e/support/helpers.js';

/** The README's examples are what a newcomer copies first: they must run as printed. */
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

/** The first fenced block of `language` after `heading`. */
const blockAfter = (heading: string, language: string): string => {
  const at = readme.indexOf(heading);
  expect(at, `README heading ${heading}`).toBeGreaterThanOrEqual(0);
  const open = readme.indexOf('```' + language + '\n', at);
  const start = open + language.length + 4;
  return readme.slice(start, readme.indexOf('```', start));
};

describe('README examples', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('the plan reference is a plan that `cutover validate` accepts', async () => {
    const dir = tempDir('cutover-readme-');
    writeFiles(dir, { 'cutover.yaml': blockAfter('## Plan reference', 'yaml') });
    const result = await cli(['validate', '--plan', path.join(dir, 'cutover.yaml')]);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('entities load in the order company, contact');
  });

  it('the dedupe config of "On a CSV" runs on a CSV of its columns', async () => {
    const dir = tempDir('cutover-readme-');
    writeFiles(dir, {
      'dedupe.yaml': blockAfter('### On a CSV: evaluate and explore', 'yaml'),
      'people.csv': [
        'contact_id,dossier_id,first_name,last_name,birth_date,email,phone,postcode,siren',
        '1,d,Ann,Lee,1980-01-02,ann@x.fr,0612345678,75001,552100554',
        '2,d,Anne,Lee,1980-01-02,ann@x.fr,0612345678,75001,',
        '3,d,Bob,Ray,1970-05-05,bob@y.fr,,69001,',
      ].join('\n'),
    });
    const result = await cli([
      'dedupe',
      'run',
      '--input',
      path.join(dir, 'people.csv'),
      '--config',
      path.join(dir, 'dedupe.yaml'),
      '--out',
      path.join(dir, 'dedupe.json'),
    ]);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('blocking postcode + last_name.prefix3: 1 pairs');
  });
});

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from '../e2e/support/cli.js';
import { tempDir } from '../support/stores.js';
import { sharedData } from '../support/shared-data.js';

const febrl1 = sharedData('dedupe', 'febrl1.csv');

interface EvalJson {
  records: number;
  evaluation: { clusters: { pairwise: { f1: number }; bcubed: { f1: number } }; links: { f1: number } };
  blocking: { recallCeiling: { ceiling: number } };
}

/**
 * A truth file of (record id, entity) for a febrl file, built from febrl's own ids (`rec-12-dup-0` is entity 12), so
 * that the command must join it by record id. Returns its path in `dir`.
 */
const writeFebrlTruth = (input: string, dir: string): string => {
  const ids = readFileSync(input, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]?.trim() ?? '')
    .filter((id) => id !== '');
  const truth = path.join(dir, 'truth.csv');
  writeFileSync(truth, ['id,entity', ...ids.map((id) => `${id},${/^rec-(\d+)-/.exec(id)?.[1]}`)].join('\n'));
  return truth;
};

describe('cutover dedupe eval', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('prints metrics as JSON against a truth file of (record id, entity)', async () => {
    const dir = tempDir('cutover-dedupe-cli-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const truth = writeFebrlTruth(febrl1, dir);
    const result = await cli([
      'dedupe',
      'eval',
      '--input',
      febrl1,
      '--config',
      'febrl',
      '--truth',
      truth,
      '--json',
    ]);
    expect(result.code, describeResult(result)).toBe(0);
    const json = parseJsonStdout<EvalJson>(result);
    expect(json.records).toBe(1000);
    expect(json.evaluation.clusters.pairwise.f1).toBeGreaterThan(0.99);
    expect(json.evaluation.clusters.bcubed.f1).toBeGreaterThan(0.99);
    expect(json.blocking.recallCeiling.ceiling).toBeGreaterThan(0.99);
  }, 60_000);

  it('writes its counts on a terminal with thousands separators, true pairs and refused links too', async () => {
    const dir = tempDir('cutover-dedupe-cli-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const febrl3 = sharedData('dedupe', 'febrl3.csv');
    const truth = writeFebrlTruth(febrl3, dir);
    const result = await cli(['dedupe', 'eval', '--input', febrl3, '--config', 'febrl', '--truth', truth]);
    expect(result.code, describeResult(result)).toBe(0);
    const text = result.stdout + result.stderr;
    expect(text).toContain('5,000 records');
    // febrl3's true pairs number several thousand: every count of the summary reads as such.
    expect(text).toMatch(/\(\d{1,3}(,\d{3})+ of \d{1,3}(,\d{3})+ true pairs compared\)/);
    expect(text).not.toMatch(/\d{4} (true pairs|refused|records|pairs)/);
  }, 60_000);

  it('refuses a config with a wrong field kind with exit code 2 and names the field', async () => {
    const dir = tempDir('cutover-dedupe-cli-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, 'dedupe.yaml');
    writeFileSync(config, 'fields:\n  - { column: surname, kind: nme }\nblocking: [[surname]]\n');
    const result = await cli(['dedupe', 'eval', '--input', febrl1, '--config', config, '--truth', 'rec_id']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(/fields\[0\]\.kind/);
  }, 60_000);

  it('refuses a truth file of labelled pairs, where ids repeat, instead of reporting an F1 above 1', async () => {
    const pairs = sharedData('dedupe', 'fake_1000_labels.csv');
    const result = await cli([
      'dedupe',
      'eval',
      '--input',
      sharedData('dedupe', 'fake_1000.csv'),
      '--truth',
      pairs,
    ]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain(
      `--truth ${pairs}: record id 0 is on 49 lines; a truth file gives each record one entity`,
    );
  }, 60_000);

  it('refuses a CSV with a row of one field too many, naming its line, where the layout was misread', async () => {
    const dir = tempDir('cutover-dedupe-cli-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // Read whole from febrl1: its header and rows, one row given an 11th field. DuckDB's own detection took such a
    // row for the header, or | for the delimiter, and the command blamed the config for columns the header has.
    const lines = readFileSync(febrl1, 'utf8').split('\n');
    lines[50] = `${lines[50]}, extra`;
    const input = path.join(dir, 'febrl-extra.csv');
    writeFileSync(input, lines.join('\n'));
    const result = await cli(['dedupe', 'eval', '--input', input, '--config', 'febrl', '--json']);
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stderr).toContain(`cannot read ${input} as CSV`);
    expect(result.stderr).toContain('CSV Error on Line: 51');
    expect(result.stderr).not.toContain('lacks');
  }, 60_000);
});

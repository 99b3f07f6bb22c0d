import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLinkFixture, type LinkFixtureOptions } from '../pipeline/link/link-fixture.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';

/** Migrates the link fixture and links it; returns the plan and what `cutover link` wrote. */
const migrateAndLink = async (
  edit: (companies: string) => string = (companies) => companies,
  options: LinkFixtureOptions = {},
) => {
  const dir = writeLinkFixture(options);
  const companies = path.join(dir, 'companies.csv');
  writeFileSync(companies, edit(readFileSync(companies, 'utf8')));
  const plan = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', plan]);
  expect(run.code, describeResult(run)).toBe(0);
  const link = await cli(['link', '--plan', plan]);
  expect(link.code, describeResult(link)).toBe(0);
  return { dir, plan, link };
};

/** What `cutover link` and `link eval` say counts one record as one: "1 record", not "1 record(s)", and "1 block". */
describe('the wording of cutover link and link eval', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('counts the records with neither name nor SIREN, and those of the truth link did not read, with a noun and verb that agree', async () => {
    // The fixture has two such companies, CO-EMPTY and CO-DOTS.
    const { dir, plan, link } = await migrateAndLink();
    expect(link.stdout).toMatch(/^2 records with neither name nor SIREN: each left a client of its own\.$/m);
    const truthNotRead = async (keys: readonly string[]) => {
      const truth = path.join(dir, `truth-${keys.length}.json`);
      const members = ['CO-EQUAL', ...keys].map((key) => ({ entity: 'company', dossier: 'crm', key }));
      writeFileSync(truth, JSON.stringify([{ client: 'x', members }]));
      const evaluation = await cli(['link', 'eval', '--plan', plan, '--truth', truth]);
      expect(evaluation.code, describeResult(evaluation)).toBe(0);
      return evaluation.stdout;
    };
    expect(await truthNotRead(['NOT-MIGRATED'])).toMatch(
      /^1 record of the truth was not read by link \(not migrated\?\)\.$/m,
    );
    expect(await truthNotRead(['NOT-MIGRATED', 'NOR-THIS'])).toMatch(
      /^2 records of the truth were not read by link \(not migrated\?\)\.$/m,
    );

    const one = await migrateAndLink((companies) => companies.replace(/^CO-DOTS,.*\n/m, ''));
    expect(one.link.stdout).toMatch(/^1 record with neither name nor SIREN: left a client of its own\.$/m);
  }, 120_000);

  it('gives the time it took as the other commands write a duration, one decimal under ten seconds, not milliseconds', async () => {
    const { link } = await migrateAndLink();
    expect(link.stdout).toMatch(/ "different" decisions applied\. \d\.\d s\.$/m);
  }, 120_000);

  it('counts the blocks over blockCap of a rule with the noun that agrees with them', async () => {
    // 40 companies named Boulangerie Martin: one block of the name rule over a cap of 30.
    const options = { martins: 40, link: 'link:\n  blockCap: 30\n' };
    const one = await migrateAndLink(undefined, options);
    expect(one.link.stdout).toMatch(/^ {2}blocking name: 1 block over blockCap, not expanded \(largest: /m);
    // And 40 named Garage Dupont beside them: two.
    const dupont = Array.from(
      { length: 40 },
      (_, index) => `CO-G${index},Garage Dupont,,,${10000 + index * 1000}\n`,
    );
    const two = await migrateAndLink((companies) => companies + dupont.join(''), options);
    expect(two.link.stdout).toMatch(/^ {2}blocking name: 2 blocks over blockCap, not expanded \(largest: /m);
  }, 120_000);
});

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { writeFiles } from './support/helpers.js';

/** What `cutover dedupe` says counts one thing as one: "1 pair to review", not "1 pairs", and "2 dossiers". */
describe('the summary of cutover dedupe', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('writes its counts with the noun that agrees with them, and review lists "1 pair to review" and "N clusters"', async () => {
    const dir = tempDir('cutover-e2e-dedupe-wording-');
    writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': dedupeContactsCsv() });
    const plan = path.join(dir, 'cutover.yaml');
    const dedupe = await cli(['dedupe', '--entity', 'contact', '--plan', plan]);
    expect(dedupe.code, describeResult(dedupe)).toBe(0);
    // The fixture's two dossiers, and the one grey-zone pair its seed leaves for a person to look at.
    expect(dedupe.stdout).toMatch(
      /^contact: 304 records in 2 dossiers; \d+ clusters, \d+ records to merge into/m,
    );
    expect(dedupe.stdout).toMatch(/; 1 pair to review \(0 "same" and 0 "different" decisions applied\)$/m);
    const review = await cli(['review', '--plan', plan]);
    expect(review.code, describeResult(review)).toBe(0);
    expect(review.stdout).toMatch(/^1 pair to review$/m);
    const golden = await cli(['review', 'golden', '--plan', plan, '--limit', '1']);
    expect(golden.code, describeResult(golden)).toBe(0);
    expect(golden.stdout).toMatch(/^\d+ clusters, first 1$/m);
  }, 90_000);
});

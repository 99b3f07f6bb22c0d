import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { writeFiles } from './support/helpers.js';

/**
 * A2 is merged into A1 by `cutover dedupe`; A2's phone then changes in the source. `cutover run` applied the merge
 * decided on the old phone without a word (only reconcile said so, later): it now says so in a STALE_MERGES notice.
 */
interface Notice {
  readonly code: string;
  readonly message: string;
  readonly source: string;
  readonly dossier: string;
  readonly entity: string;
}

const A2 = 'A2,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,+33612345678,69001,';

const deduped = async () => {
  const dir = tempDir('cutover-e2e-stale-merges-run-');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const csv = dedupeContactsCsv();
  writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': csv });
  const plan = path.join(dir, 'cutover.yaml');
  const dedupe = await cli(['dedupe', '--entity', 'contact', '--plan', plan, '--json']);
  expect(dedupe.code, describeResult(dedupe)).toBe(0);
  const run = async (command: 'run' | 'replay' = 'run') => {
    const result = await cli([command, '--plan', plan, '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    return parseJsonStdout<{ notices: Notice[] }>(result).notices.filter(
      (notice) => notice.code === 'STALE_MERGES',
    );
  };
  return {
    run,
    text: () => cli(['run', '--plan', plan]),
    edit: (from: string, to: string) => writeFiles(dir, { 'contacts.csv': csv.replace(from, to) }),
  };
};

describe('cutover run applying merges decided on records changed since dedupe', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('says nothing when the merged records are as dedupe saw them', async () => {
    const p = await deduped();
    expect(await p.run()).toEqual([]);
    expect(await p.run()).toEqual([]);
  }, 180_000);

  it('says STALE_MERGES once for the dossier × entity, with the count, the key and what to do', async () => {
    const p = await deduped();
    await p.run();
    p.edit(A2, A2.replace('+33612345678', '+33798765432'));
    const notices = await p.run();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ dossier: 'north', entity: 'contact', source: 'contacts.csv' });
    expect(notices[0]!.message).toMatch(
      /^1 contact record of dossier north changed .*: A2 \(merged into A1\);/,
    );
    expect(notices[0]!.message).toContain('run cutover dedupe --entity contact again');

    // The text summary says it too; the exit code is unchanged (reconcile is the proof that fails).
    const text = await p.text();
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toContain('STALE_MERGES');
    expect(text.stdout).toContain('A2 (merged into A1)');
  }, 180_000);
});

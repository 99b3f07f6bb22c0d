import { readFileSync, rmSync } from 'node:fs';
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

const A1 = 'A1,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,,69001,Lyon';
const A2 = 'A2,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,+33612345678,69001,';

const deduped = async () => {
  const dir = tempDir('cutover-e2e-stale-merges-run-');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const csv = dedupeContactsCsv();
  writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': csv });
  const plan = path.join(dir, 'cutover.yaml');
  let current = csv;
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
    reconcile: async () => {
      const result = await cli(['reconcile', '--plan', plan, '--json']);
      expect(result.code, describeResult(result)).toBe(5);
      return parseJsonStdout<{ dossiers: { id: string; entities: { staleMerges: number }[] }[] }>(result);
    },
    text: () => cli(['run', '--plan', plan]),
    /** The notices of the dossier's evidence pack (the run's stored ones); exit 5: reconcile fails on them. */
    evidenceNotices: async (dossier: string) => {
      const result = await cli(['evidence', '--plan', plan]);
      expect([0, 5], describeResult(result)).toContain(result.code);
      const pack = JSON.parse(readFileSync(path.join(dir, 'evidence', dossier, 'evidence.json'), 'utf8')) as {
        notices: { code: string; message: string }[];
      };
      return pack.notices.filter((notice) => notice.code === 'STALE_MERGES');
    },
    // Edits add up, as in the legacy system.
    edit: (from: string, to: string) => {
      current = current.replace(from, to);
      writeFiles(dir, { 'contacts.csv': current });
    },
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
    // Stored with the run's other notices: the evidence pack shows it.
    expect(await p.evidenceNotices('north')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('A2 (merged into A1)') as string }),
    ]);
  }, 180_000);

  it('counts the survivor and the absorbed record as reconcile does, the first keys named', async () => {
    const p = await deduped();
    p.edit(A1, A1.replace('69001,Lyon', '38000,Grenoble'));
    p.edit(A2, A2.replace('+33612345678', '+33798765432'));
    const message = (await p.run())[0]!.message;
    expect(message).toMatch(
      /^2 contact records of dossier north changed .*: A1 \(survivor\), A2 \(merged into A1\);/,
    );
    const north = (await p.reconcile()).dossiers.find((dossier) => dossier.id === 'north')!;
    expect(north.entities[0]!.staleMerges).toBe(2);
  }, 180_000);
});

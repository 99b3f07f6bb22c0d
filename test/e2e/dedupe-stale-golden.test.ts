import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { readSqliteTargetRows, writeFiles } from './support/helpers.js';

interface ReconcileJson {
  ok: boolean;
  dossiers: { id: string; entities: { staleMerges?: number; samples: string[] }[] }[];
}

const A1 = 'A1,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,,69001,Lyon';
const A2 = 'A2,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,+33612345678,69001,';

/** A migrated project whose A1 absorbed A2 (A1 survives with A2's phone), and its commands. */
const migrated = async () => {
  const dir = tempDir('cutover-h3-stale-');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const csv = dedupeContactsCsv();
  writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': csv });
  const plan = path.join(dir, 'cutover.yaml');
  const command = async <T>(args: string[], codes: number[] = [0]): Promise<T> => {
    const result = await cli([...args, '--plan', plan, '--json']);
    expect(codes, describeResult(result)).toContain(result.code);
    return parseJsonStdout<T>(result);
  };
  await command(['dedupe', '--entity', 'contact']);
  await command(['run']);
  return {
    edit: (from: string, to: string) => writeFiles(dir, { 'contacts.csv': csv.replace(from, to) }),
    command,
    north: async () =>
      new Map(
        (await readSqliteTargetRows(path.join(dir, 'target.db'), 'contact', 'north')).map((row) => [
          row.sourceKey,
          row.values,
        ]),
      ),
  };
};

describe('a merged record edited in the source after dedupe', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('a survivor that moved: the target keeps the old city, so reconcile must not prove it', async () => {
    const p = await migrated();
    // A1 moves from Lyon to Grenoble in the legacy system; a delta run follows.
    p.edit(A1, A1.replace('69001,Lyon', '38000,Grenoble'));
    await p.command(['run']);
    // The run still writes the golden record made from the old A1.
    expect((await p.north()).get('A1')).toMatchObject({ city: 'Lyon' });
    const stale = await p.command<ReconcileJson>(['reconcile'], [5]);
    expect(stale.ok).toBe(false);
    const north = stale.dossiers.find((dossier) => dossier.id === 'north')?.entities[0];
    expect(north).toMatchObject({ staleMerges: 1 });
    expect(north?.samples).toContain('A1');

    // Dedupe again, run: the new city is loaded, the merge kept, the proof green.
    await p.command(['dedupe', '--entity', 'contact']);
    await p.command(['run']);
    expect((await p.north()).get('A1')).toMatchObject({ city: 'Grenoble', phone: '+33612345678' });
    expect((await p.command<ReconcileJson>(['reconcile'])).ok).toBe(true);
  }, 180_000);

  it('an absorbed record whose phone changed: its new phone is nowhere in the target, so reconcile must say so', async () => {
    const p = await migrated();
    p.edit(A2, A2.replace('+33612345678', '+33798765432'));
    await p.command(['run']);
    expect((await p.north()).get('A1')).toMatchObject({ phone: '+33612345678' });
    const stale = await p.command<ReconcileJson>(['reconcile'], [5]);
    const north = stale.dossiers.find((dossier) => dossier.id === 'north')?.entities[0];
    expect(north).toMatchObject({ staleMerges: 1 });
    expect(north?.samples).toContain('A2');
  }, 180_000);
});

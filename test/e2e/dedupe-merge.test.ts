import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { StateStore, type MergeDecision, type ReviewPairRow } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { defaultStatePath, readLedger, readSqliteTargetRows, writeFiles } from './support/helpers.js';

interface DedupeJson {
  records: number;
  clusters: number;
  merged: number;
  dossiers: { id: string; records: number; merged: number }[];
  review: { total: number };
  decisionsApplied: { same: number; different: number };
}
interface RunJson {
  status: string;
  records: { read: number; loaded: number; merged: number; skipped: number; rejected: number };
}
interface ReconcileJson {
  ok: boolean;
  totals: { source: number; loaded: number; merged: number; unaccounted: number; contentMismatches: number };
}

const ok = (result: CliResult): CliResult => {
  expect(result.code, describeResult(result)).toBe(0);
  return result;
};

/** A fresh folder with the plan and the contacts, and the commands a migration lead types in it. */
const project = (planText = dedupePlan) => {
  const dir = tempDir('cutover-e2e-dedupe-');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, { 'cutover.yaml': planText, 'contacts.csv': dedupeContactsCsv() });
  const plan = path.join(dir, 'cutover.yaml');
  const json = async <T>(...args: string[]) =>
    parseJsonStdout<T>(ok(await cli([...args, '--plan', plan, '--json'])));
  return {
    dir,
    plan,
    dedupe: () => json<DedupeJson>('dedupe', '--entity', 'contact'),
    run: () => json<RunJson>('run'),
    reconcile: () => json<ReconcileJson>('reconcile'),
    review: () => json<{ total: number; pairs: ReviewPairRow[] }>('review'),
    decide: (pair: string, decision: string) => json('review', 'decide', pair, decision),
    merges: async (): Promise<MergeDecision[]> => {
      const state = await StateStore.open(defaultStatePath(dir));
      try {
        return await state.merges({ active: true });
      } finally {
        await state.close();
      }
    },
    rows: async (dossier: string) =>
      new Map(
        (await readSqliteTargetRows(path.join(dir, 'target.db'), 'contact', dossier)).map((row) => [
          row.sourceKey,
          row.values,
        ]),
      ),
  };
};

describe('deduplication in a migration', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('loads each survivor with its golden record, records absorbed records as merged, and reconciles', async () => {
    const p = project();
    const dedupe = await p.dedupe();
    expect(dedupe.records).toBe(304);
    expect(dedupe.merged).toBeGreaterThan(10);

    // The golden record takes the phone from A2 and everything else from A1, and says so.
    const merges = await p.merges();
    const anne = merges.find((merge) => merge.absorbedKey === 'A2');
    expect(anne).toMatchObject({ dossierId: 'north', survivorKey: 'A1' });
    expect(anne?.golden.values).toMatchObject({
      phone: '+33612345678',
      city: 'Lyon',
      email: 'anne.martin-lagarde@mail.fr',
    });
    expect(anne?.golden.origins).toMatchObject({ phone: 'A2', city: 'A1', email: 'A1' });

    const run = await p.run();
    expect(run.records).toMatchObject({ read: 304, merged: dedupe.merged, loaded: 304 - dedupe.merged });
    const north = await p.rows('north');
    expect(north.get('A1')).toMatchObject({ phone: '+33612345678', city: 'Lyon' });
    expect(north.has('A2')).toBe(false);
    // No absorbed record is a row; each is a merged ledger entry naming its survivor.
    const ledger = await readLedger(defaultStatePath(p.dir));
    const merged = ledger.filter((entry) => entry.fate === 'merged');
    expect(merged).toHaveLength(dedupe.merged);
    expect(merged.find((entry) => entry.sourceKey === 'A2')).toMatchObject({
      survivorKey: 'A1',
      dossierId: 'north',
    });
    // Listed once as merged into its survivor (the list said it twice: 'into A1', then 'merged into A1').
    const listed = await cli(['ledger', '--plan', path.join(p.dir, 'cutover.yaml'), '--fate', 'merged']);
    const line = listed.stdout.split('\n').find((text) => text.includes('\tmerged\t') && text.includes('A1'));
    expect(line?.match(/into A1/g)).toHaveLength(1);
    const south = await p.rows('south');
    for (const entry of merged)
      expect((entry.dossierId === 'north' ? north : south).has(entry.sourceKey!)).toBe(false);

    const reconciliation = await p.reconcile();
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.totals).toMatchObject({
      source: 304,
      loaded: 304 - dedupe.merged,
      merged: dedupe.merged,
      unaccounted: 0,
      contentMismatches: 0,
    });
  }, 120_000);

  it('says, when dedupe found merges after the last run, that the differences they make wait for the next run', async () => {
    const p = project();
    await p.run();
    const dedupe = await p.dedupe();
    expect(dedupe.merged).toBeGreaterThan(10);
    // Before: "DIFFERENCES FOUND" and exit 5, the survivors' golden records unexplained.
    const before = await cli(['reconcile', '--plan', p.plan]);
    expect(before.code, describeResult(before)).toBe(5);
    expect(before.stdout).toContain(
      `  ${dedupe.merged} records merged by \`cutover dedupe\` still have their own target row: no run has applied the merges yet, so survivors and the records referring to merged ones differ until \`cutover run\` loads them\n`,
    );
    await p.run();
    const after = ok(await cli(['reconcile', '--plan', p.plan]));
    expect(after.stdout).not.toContain('no run has applied the merges');
  });

  it('never merges identical records of two dossiers, which it merges within one', async () => {
    const p = project();
    await p.dedupe();
    const involved = (merges: MergeDecision[]) =>
      merges.filter((merge) => [merge.survivorKey, merge.absorbedKey].some((key) => key.endsWith('-B1')));
    expect(involved(await p.merges())).toEqual([]);
    await p.run();
    expect((await p.rows('north')).get('N-B1')).toMatchObject({ last_name: 'Vercingétorix' });
    expect((await p.rows('south')).get('S-B1')).toMatchObject({ last_name: 'Vercingétorix' });

    // The same two records in one dossier are one person: only the dossier boundary kept them apart.
    writeFiles(p.dir, { 'contacts.csv': dedupeContactsCsv().replace('S-B1,south,', 'S-B1,north,') });
    await p.dedupe();
    expect(involved(await p.merges())).toEqual([
      expect.objectContaining({ dossierId: 'north', survivorKey: 'S-B1', absorbedKey: 'N-B1' }),
    ]);
  }, 120_000);

  it('says of one undone merge that the next run loads "this record" again, not "these records"', async () => {
    const p = project();
    await p.dedupe();
    await p.run();
    const undo = await cli(['dedupe', 'undo', '--plan', p.plan, '--entity', 'contact', '--survivor', 'A1']);
    ok(undo);
    expect(undo.stdout).toMatch(/^undone: .* A2 no longer merged into A1 /m);
    expect(undo.stdout).toContain(
      'The next `cutover run` loads this record again; `cutover dedupe` will not merge it again.',
    );
  }, 120_000);

  it('undoes a merge: the next run loads both records again, drops the merged entry, and dedupe does not merge them again', async () => {
    const p = project();
    const first = await p.dedupe();
    await p.run();
    const undo = await cli([
      'dedupe',
      'undo',
      '--plan',
      p.plan,
      '--entity',
      'contact',
      '--survivor',
      'A1',
      '--json',
    ]);
    ok(undo);
    expect(
      parseJsonStdout<{ undone: MergeDecision[] }>(undo).undone.map((merge) => merge.absorbedKey),
    ).toEqual(['A2']);
    // Until the next run, A1's row holds the golden record and A2 has none: said, not left as a bare difference.
    const reconciled = await cli(['reconcile', '--plan', p.plan]);
    expect(reconciled.code, describeResult(reconciled)).toBe(5);
    expect(reconciled.stdout).toContain(
      "  1 record the ledger says merged is no longer (`cutover dedupe undo`, or the plan's dedupe section taken out) and has no row of its own yet: survivors and the records referring to it differ until `cutover run` loads it\n",
    );

    const run = await p.run();
    expect(run.records.merged).toBe(first.merged - 1);
    const north = await p.rows('north');
    // A1 is back to its own values: no phone; A2 is a row again with its own.
    expect(north.get('A1')).toMatchObject({ phone: null, city: 'Lyon' });
    expect(north.get('A2')).toMatchObject({ phone: '+33612345678', city: null });
    const ledger = await readLedger(defaultStatePath(p.dir));
    expect(ledger.filter((entry) => entry.sourceKey === 'A2')).toEqual([]);
    expect(ledger.filter((entry) => entry.fate === 'merged')).toHaveLength(first.merged - 1);
    expect(await p.reconcile()).toMatchObject({
      ok: true,
      totals: { merged: first.merged - 1, unaccounted: 0 },
    });

    // The undo is a decision: a new dedupe keeps A1 and A2 apart.
    const again = await p.dedupe();
    expect(again.decisionsApplied.different).toBe(1);
    expect(again.merged).toBe(first.merged - 1);
    expect((await p.merges()).some((merge) => merge.absorbedKey === 'A2' || merge.survivorKey === 'A2')).toBe(
      false,
    );
  }, 120_000);

  it('keeps a review decision across processes and applies it on the next dedupe, both ways', async () => {
    const p = project();
    const first = await p.dedupe();
    const queue = await p.review();
    expect(queue.total).toBeGreaterThan(0);
    const pair = queue.pairs[0]!;
    expect(pair.fields.length).toBe(6);
    expect(pair.probability).toBeGreaterThanOrEqual(0.5);
    expect(pair.probability).toBeLessThan(0.95);
    const together = (merges: MergeDecision[]) =>
      merges.some((merge) => {
        const keys = [merge.survivorKey, merge.absorbedKey];
        return keys.includes(pair.leftKey) && keys.includes(pair.rightKey);
      }) ||
      // Both absorbed into the same survivor.
      merges.some(
        (a) =>
          a.absorbedKey === pair.leftKey &&
          merges.some((b) => b.absorbedKey === pair.rightKey && b.clusterId === a.clusterId),
      );

    // Each command is a new process: the decision lives in the state store, not in memory.
    await p.decide(pair.pairId, 'same');
    expect((await p.review()).pairs.map((row) => row.pairId)).not.toContain(pair.pairId);
    const decided = await cli(['review', '--decided', '--plan', p.plan, '--json']);
    expect(parseJsonStdout<{ pairs: ReviewPairRow[] }>(ok(decided)).pairs).toEqual([
      expect.objectContaining({ pairId: pair.pairId, decision: 'same', leftKey: pair.leftKey }),
    ]);
    // The text a reviewer reads: the prior and the weights add up to the probability shown (the prior was left out).
    const text = ok(await cli(['review', '--decided', '--plan', p.plan])).stdout;
    expect(text).toMatch(/^1 pair decided$/m);
    const probability = Number(/probability (\d\.\d+)/.exec(text)?.[1]);
    const why = /^ {2}why: prior (.*)$/m.exec(text)?.[1] ?? '';
    const weights = [...why.matchAll(/([+-]\d+\.\d)(?:;|$)/g)].map((match) => Number(match[1]));
    expect(weights.length).toBeGreaterThan(1);
    const sum = weights.reduce((total, weight) => total + weight, 0);
    expect(Math.abs(1 / (1 + 2 ** -sum) - probability)).toBeLessThan(0.05);
    const linked = await p.dedupe();
    expect(linked.decisionsApplied).toEqual({ same: 1, different: 0 });
    expect(linked.review.total).toBe((await p.review()).total);
    expect(linked.merged).toBe(first.merged + 1);
    expect(together(await p.merges())).toBe(true);
    expect((await p.review()).pairs.map((row) => row.pairId)).not.toContain(pair.pairId);
    await p.run();
    expect((await p.reconcile()).ok).toBe(true);

    await p.decide(pair.pairId, 'different');
    const apart = await p.dedupe();
    expect(apart.decisionsApplied).toEqual({ same: 0, different: 1 });
    // A decided pair is no longer to review: dedupe counts the pairs `review` lists, not the decided one with them.
    expect(apart.review.total).toBe((await p.review()).total);
    expect(apart.merged).toBe(first.merged);
    expect(together(await p.merges())).toBe(false);
    expect((await p.review()).pairs.map((row) => row.pairId)).not.toContain(pair.pairId);
  }, 120_000);

  it('rejects a record merged into a survivor rejected at load, keeps its raw content, and a replay after the fix merges it', async () => {
    const p = project();
    await p.dedupe();
    // The survivor A1 loses its last name after dedupe: the run rejects it, so A2 cannot be merged into it.
    const fixed = dedupeContactsCsv();
    writeFiles(p.dir, {
      'contacts.csv': fixed.replace('A1,north,Anne,Martin-Lagarde,', 'A1,north,Anne,,'),
    });
    const run = await p.run();
    const ledger = await readLedger(defaultStatePath(p.dir));
    const a2 = ledger.find((entry) => entry.sourceKey === 'A2');
    expect(a2).toMatchObject({ fate: 'rejected', reason: 'SURVIVOR_NOT_LOADED', survivorKey: 'A1' });
    expect(a2?.raw).toContain('A2,north,');
    expect(ledger.find((entry) => entry.sourceKey === 'A1')).toMatchObject({
      fate: 'rejected',
      reason: 'REQUIRED_MISSING',
    });
    expect(ledger.filter((entry) => entry.fate === 'merged')).toHaveLength(run.records.merged);
    expect((await p.rows('north')).has('A2')).toBe(false);
    // Nothing is merged into nothing: every record has its fate, and reconcile holds.
    expect(await p.reconcile()).toMatchObject({ ok: true, totals: { unaccounted: 0 } });

    // The data is fixed: the replay loads A1 with its golden record and merges A2 into it.
    writeFiles(p.dir, { 'contacts.csv': fixed });
    const replay = await cli(['replay', '--plan', p.plan, '--json']);
    ok(replay);
    expect((await p.rows('north')).get('A1')).toMatchObject({ phone: '+33612345678' });
    expect(
      (await readLedger(defaultStatePath(p.dir))).find((entry) => entry.sourceKey === 'A2'),
    ).toMatchObject({
      fate: 'merged',
      survivorKey: 'A1',
    });
    expect((await p.reconcile()).ok).toBe(true);
  }, 120_000);

  it('rejects a record merged into a survivor that an earlier run loaded and this run rejects (its row is removed)', async () => {
    const p = project();
    await p.dedupe();
    const first = await p.run();
    expect(first.records.merged).toBeGreaterThan(0);
    expect((await p.rows('north')).has('A1')).toBe(true);
    // The survivor A1 loses its last name after a first load: this run rejects it, and its row of the first run
    // goes when the unit finishes, so A2 must not stay merged into it.
    writeFiles(p.dir, {
      'contacts.csv': dedupeContactsCsv().replace('A1,north,Anne,Martin-Lagarde,', 'A1,north,Anne,,'),
    });
    await p.run();
    expect((await p.rows('north')).has('A1')).toBe(false);
    expect(
      (await readLedger(defaultStatePath(p.dir))).find((entry) => entry.sourceKey === 'A2'),
    ).toMatchObject({ fate: 'rejected', reason: 'SURVIVOR_NOT_LOADED', survivorKey: 'A1' });
    expect(await p.reconcile()).toMatchObject({ ok: true, totals: { unaccounted: 0 } });
  }, 120_000);

  it('fails reconcile when a survivor row disappears from the target, so that merged records cannot vanish', async () => {
    const p = project();
    await p.dedupe();
    await p.run();
    const db = new Database(path.join(p.dir, 'target.db'));
    try {
      db.prepare("DELETE FROM contact WHERE source_key = 'A1'").run();
    } finally {
      db.close();
    }
    const failed = await cli(['reconcile', '--plan', p.plan, '--json']);
    expect(failed.code, describeResult(failed)).toBe(5);
    const north = parseJsonStdout<{
      dossiers: {
        id: string;
        entities: { mergedIntoMissing: number; samples: string[] }[];
      }[];
    }>(failed).dossiers.find((dossier) => dossier.id === 'north');
    expect(north?.entities[0]?.mergedIntoMissing).toBe(1);
    expect(north?.entities[0]?.samples).toContain('A2');
  }, 120_000);

  it('lists golden records with the origin of each value, and a value chosen by hand wins on the next dedupe and run', async () => {
    const p = project();
    await p.dedupe();
    const listed = parseJsonStdout<{
      clusters: {
        clusterId: string;
        survivorKey: string;
        absorbedKeys: string[];
        golden: MergeDecision['golden'];
      }[];
    }>(
      ok(
        await cli([
          'review',
          'golden',
          '--plan',
          p.plan,
          '--entity',
          'contact',
          '--dossier',
          'north',
          '--limit',
          '1000',
          '--json',
        ]),
      ),
    );
    const anne = listed.clusters.find((cluster) => cluster.survivorKey === 'A1');
    expect(anne).toMatchObject({ absorbedKeys: ['A2'] });
    expect(anne?.golden.origins).toMatchObject({ phone: 'A2', city: 'A1' });

    // A2 has no city: a person decides the cluster's city is A2's (empty), against most_complete.
    const choose = (...args: string[]) =>
      cli(['review', 'golden', '--plan', p.plan, '--entity', 'contact', ...args]);
    ok(await choose('--record', 'A2', '--field', 'city'));
    const unknownField = await choose('--record', 'A2', '--field', 'shoe_size');
    expect(unknownField.code, describeResult(unknownField)).toBe(2);
    expect(unknownField.stderr).toContain('shoe_size is not a column the plan maps for contact');
    const alone = await choose('--record', 'N-B1', '--field', 'city');
    expect(alone.code, describeResult(alone)).toBe(2);
    expect(alone.stderr).toContain('record N-B1 is in no active contact cluster');

    const dedupe = await p.dedupe();
    expect(dedupe).toMatchObject({ valuesChosenByHand: 1 });
    const merge = (await p.merges()).find((entry) => entry.absorbedKey === 'A2');
    expect(merge?.golden).toMatchObject({
      values: { city: null, phone: '+33612345678' },
      chosenByHand: ['city'],
    });
    expect(merge?.golden.origins).toMatchObject({ city: 'A2', phone: 'A2', email: 'A1' });
    await p.run();
    expect((await p.rows('north')).get('A1')).toMatchObject({ city: null, phone: '+33612345678' });
    expect((await p.reconcile()).ok).toBe(true);
  }, 120_000);

  it('merges across dossiers when the plan asks: the survivor stays in the first dossier, the ledger names it, undo and reconcile follow', async () => {
    const p = project(
      dedupePlan.replace(
        'survivorship: { rule: most_complete }',
        'survivorship: { rule: most_complete }\n      acrossDossiers: true',
      ),
    );
    const restricted = await cli(['dedupe', '--entity', 'contact', '--dossier', 'north', '--plan', p.plan]);
    expect(restricted.code, describeResult(restricted)).toBe(2);
    expect(restricted.stderr).toContain('acrossDossiers');

    await p.dedupe();
    const across = (await p.merges()).filter((merge) => merge.dossierId !== merge.survivorDossierId);
    expect(across).toContainEqual(
      expect.objectContaining({
        dossierId: 'south',
        absorbedKey: 'S-B1',
        survivorDossierId: 'north',
        survivorKey: 'N-B1',
      }),
    );
    const bérénice = across.find((merge) => merge.absorbedKey === 'S-B1')!;
    // Origins name each record with its dossier: a key alone is ambiguous across dossiers.
    expect(Object.values(bérénice.golden.origins).every((origin) => origin.includes('/'))).toBe(true);

    const run = await p.run();
    expect(run.records.merged).toBe((await p.merges()).length);
    expect((await p.rows('south')).has('S-B1')).toBe(false);
    expect((await p.rows('north')).get('N-B1')).toMatchObject({ last_name: 'Vercingétorix' });
    expect(
      (await readLedger(defaultStatePath(p.dir))).find((entry) => entry.sourceKey === 'S-B1'),
    ).toMatchObject({
      fate: 'merged',
      dossierId: 'south',
      survivorKey: 'N-B1',
      survivorDossierId: 'north',
      message: 'merged into north/N-B1',
    });
    expect(await p.reconcile()).toMatchObject({ ok: true, totals: { unaccounted: 0 } });

    const listed = parseJsonStdout<{ clusters: { clusterId: string; absorbedKeys: string[] }[] }>(
      ok(
        await cli(['review', 'golden', '--plan', p.plan, '--dossier', 'south', '--limit', '1000', '--json']),
      ),
    );
    expect(listed.clusters.find((cluster) => cluster.clusterId === bérénice.clusterId)?.absorbedKeys).toEqual(
      ['south/S-B1'],
    );

    // The survivor rejected: the absorbed record of the other dossier is rejected too, never merged into nothing.
    const csv = dedupeContactsCsv();
    writeFiles(p.dir, {
      'contacts.csv': csv.replace('N-B1,north,Bérénice,Vercingétorix,', 'N-B1,north,Bérénice,,'),
    });
    await p.run();
    expect(
      (await readLedger(defaultStatePath(p.dir))).find((entry) => entry.sourceKey === 'S-B1'),
    ).toMatchObject({
      fate: 'rejected',
      reason: 'SURVIVOR_NOT_LOADED',
      survivorDossierId: 'north',
    });
    expect((await p.reconcile()).ok).toBe(true);
    writeFiles(p.dir, { 'contacts.csv': csv });
    await p.run();

    ok(
      await cli([
        'dedupe',
        'undo',
        '--plan',
        p.plan,
        '--entity',
        'contact',
        '--survivor',
        'N-B1',
        '--dossier',
        'north',
      ]),
    );
    await p.run();
    expect((await p.rows('south')).get('S-B1')).toMatchObject({ last_name: 'Vercingétorix' });
    expect((await p.reconcile()).ok).toBe(true);
    // The undo is a decision across the two dossiers: the next dedupe keeps them apart.
    const again = await p.dedupe();
    expect(again.decisionsApplied.different).toBe(1);
    expect(
      (await p.merges()).some((merge) => merge.absorbedKey === 'S-B1' || merge.survivorKey === 'S-B1'),
    ).toBe(false);
  }, 180_000);

  it('refuses review decide with an unknown pair or decision, with exit code 2', async () => {
    const p = project();
    await p.dedupe();
    const unknown = await cli(['review', 'decide', 'nope', 'same', '--plan', p.plan]);
    expect(unknown.code, describeResult(unknown)).toBe(2);
    expect(unknown.stderr).toContain('no review pair nope');
    const pair = (await p.review()).pairs[0]!;
    const wrong = await cli(['review', 'decide', pair.pairId, 'maybe', '--plan', p.plan]);
    expect(wrong.code, describeResult(wrong)).toBe(2);
    expect(wrong.stderr).toContain('same or different');
  }, 120_000);
});

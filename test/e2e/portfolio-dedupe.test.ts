import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/generator/manifest.js';
import { StateStore } from '../../src/store/state/state-store.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, readLedger, readSqliteTargetRows } from './support/helpers.js';
import { generateSmallPortfolio } from './support/portfolio.js';

describe('deduplication of the generated CRM contacts, in the portfolio migration', () => {
  let dir = '';
  let manifest: Manifest;
  beforeAll(async () => {
    ensureBuilt();
    // The generated plan has the contact entity's dedupe section.
    ({ dir, manifest } = await generateSmallPortfolio());
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes its summary with thousands separated, as the run summary writes its numbers', async () => {
    const dedupe = await cli(['dedupe', '--plan', path.join(dir, 'cutover.yaml'), '--entity', 'contact']);
    expect(dedupe.code, describeResult(dedupe)).toBe(0);
    // The CRM's 5,000 contacts, less those rejected when read: "4953 records" before.
    expect(dedupe.stdout).toMatch(/^contact: 4,9\d\d records in 1 dossier; \d+ clusters, /);
  });

  it('merges the near duplicates the generator injected, and the whole portfolio still reconciles', async () => {
    const plan = path.join(dir, 'cutover.yaml');
    const dedupe = await cli(['dedupe', '--plan', plan, '--entity', 'contact', '--json']);
    expect(dedupe.code, describeResult(dedupe)).toBe(0);
    const merged = parseJsonStdout<{ merged: number }>(dedupe).merged;

    const state = await StateStore.open(defaultStatePath(dir));
    const merges = await state.merges({ active: true }).finally(() => state.close());
    const clusterOf = new Map(
      merges.flatMap((merge) => [
        [merge.survivorKey, merge.clusterId],
        [merge.absorbedKey, merge.clusterId],
      ]),
    );
    const injected = manifest.defects.filter(
      (defect) => defect.kind === 'near_duplicate' && defect.entity === 'contact',
    );
    const found = injected.filter(
      (defect) =>
        clusterOf.get(defect.sourceKey) !== undefined &&
        clusterOf.get(defect.sourceKey) === clusterOf.get(defect.duplicateOf!),
    );
    expect(injected.length).toBeGreaterThan(20);
    expect(found.length / injected.length).toBeGreaterThanOrEqual(0.9);
    // Precision: a merged pair is right when both records are one person, an original and its copies.
    const personOf = (key: string) => injected.find((defect) => defect.sourceKey === key)?.duplicateOf ?? key;
    const members = new Map<string, string[]>();
    for (const [key, cluster] of clusterOf) members.set(cluster, [...(members.get(cluster) ?? []), key]);
    let pairs = 0;
    let right = 0;
    for (const keys of members.values()) {
      keys.forEach((a, i) =>
        keys.slice(i + 1).forEach((b) => {
          pairs++;
          if (personOf(a) === personOf(b)) right++;
        }),
      );
    }
    expect(pairs).toBeGreaterThan(20);
    expect(right / pairs).toBeGreaterThanOrEqual(0.95);

    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(parseJsonStdout<{ entities: { contact: { merged: number } } }>(run).entities.contact.merged).toBe(
      merged,
    );
    const ledger = await readLedger(defaultStatePath(dir));
    expect(ledger.filter((entry) => entry.fate === 'merged' && entry.entity === 'contact')).toHaveLength(
      merged,
    );

    // Deals and activities of an absorbed contact attach to its survivor: none is rejected for an unknown parent.
    const absorbed = new Map(merges.map((merge) => [merge.absorbedKey, merge.survivorKey]));
    expect(
      ledger.filter(
        (entry) =>
          entry.reason === 'UNKNOWN_PARENT' &&
          [...absorbed.keys()].some((key) => entry.message?.includes(`contact ${key},`) ?? false),
      ),
    ).toEqual([]);
    const children = [
      ...(await readSqliteTargetRows(path.join(dir, 'target.db'), 'deal', 'crm')),
      ...(await readSqliteTargetRows(path.join(dir, 'target.db'), 'activity', 'crm')),
    ];
    const survivors = new Set(absorbed.values());
    const onSurvivors = children.filter((row) => survivors.has(String(row.values.contact_id)));
    expect(onSurvivors.length).toBeGreaterThan(0);
    expect(children.some((row) => absorbed.has(String(row.values.contact_id)))).toBe(false);

    const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    const reconciliation = parseJsonStdout<{
      ok: boolean;
      totals: { merged: number; unaccounted: number; referencesToMerged: number };
    }>(reconciled);
    expect(reconciliation).toMatchObject({ ok: true, totals: { merged, unaccounted: 0 } });
    // Reconcile says how many records moved to a survivor: the deals and activities of an absorbed contact that
    // the mapping did not reject or skip for a reason of their own.
    const notMapped = new Set(
      ledger
        .filter(
          (entry) =>
            entry.fate === 'skipped' ||
            (entry.fate === 'rejected' &&
              !['UNKNOWN_PARENT', 'DUPLICATE_SOURCE_KEY'].includes(entry.reason ?? '')),
        )
        .map((entry) => `${entry.entity}:${entry.sourceKey ?? ''}`),
    );
    const moved = [
      ['deal', 'deals.csv', 'deal_id'],
      ['activity', 'activities.csv', 'activity_id'],
    ].flatMap(([entity, file, key]) =>
      Papa.parse<Record<string, string>>(readFileSync(path.join(dir, 'crm', file!), 'utf8'), {
        header: true,
      }).data.filter((row) => absorbed.has(row.contact_id ?? '') && !notMapped.has(`${entity}:${row[key!]}`)),
    );
    expect(moved.length).toBeGreaterThan(20);
    expect(reconciliation.totals.referencesToMerged).toBe(moved.length);
  }, 240_000);
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDedupeConfig, type DedupeConfigInput } from '../../src/matching/dedupe-config.js';
import { loadCsv, runDedupe } from '../../src/matching/dedupe-engine.js';
import { dedupePresets } from '../../src/matching/dedupe-presets.js';
import { Workbench } from '../../src/matching/workbench.js';
import { sharedData } from '../support/shared-data.js';

const data = (file: string) => sharedData('dedupe', file);
const folders: string[] = [];
afterAll(async () => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

const csvFile = async (header: string[], rows: (string | number)[][]): Promise<string> => {
  const folder = await mkdtemp(path.join(tmpdir(), 'cutover-dedupe-'));
  folders.push(folder);
  const file = path.join(folder, 'records.csv');
  await writeFile(file, [header, ...rows].map((row) => row.join(',')).join('\n') + '\n');
  return file;
};

let workbench: Workbench;
beforeEach(async () => {
  workbench = await Workbench.open();
});
afterEach(() => workbench.close());

const dedupe = async (file: string, config: DedupeConfigInput) => {
  await loadCsv(workbench, file);
  return runDedupe(workbench, parseDedupeConfig(config));
};

describe('runDedupe on public data with ground truth', () => {
  it('finds the febrl1 duplicates unsupervised, at the fixed threshold, and reports the blocking recall ceiling', async () => {
    const result = await dedupe(data('febrl1.csv'), dedupePresets.febrl);
    expect(result.records).toBe(1000);
    expect(result.blocking.recallCeiling).toMatchObject({ truePairs: 500 });
    expect(result.blocking.recallCeiling?.ceiling).toBeGreaterThan(0.99);
    expect(result.evaluation?.clusters.pairwise.f1).toBeGreaterThan(0.99);
    expect(result.evaluation?.clusters.bcubed.f1).toBeGreaterThan(0.99);
    // The sweep tries every threshold, the fixed one among them (febrl has no strong identifier to move pairs).
    expect(result.evaluation?.bestThreshold.f1).toBeGreaterThanOrEqual(result.evaluation?.links.f1 ?? 1);
    // EM learned that agreeing on a date of birth is strong evidence and disagreeing is evidence against.
    const dob = result.model.comparisons.find((comparison) => comparison.field === 'date_of_birth');
    expect(dob?.levels[0]?.weight).toBeGreaterThan(5);
    expect(dob?.levels.at(-1)?.weight).toBeLessThan(0);
  });

  it('returns grey-zone pairs with both records side by side and an explanation that adds up to the score', async () => {
    const result = await dedupe(data('fake_1000.csv'), dedupePresets.fake_1000);
    expect(result.evaluation?.clusters.pairwise.f1).toBeGreaterThan(0.85);
    expect(result.review.total).toBeGreaterThan(0);
    const pair = result.review.pairs[0];
    expect(pair).toBeDefined();
    if (!pair) return;
    expect(pair.fields.map(([column]) => column)).toEqual(['first_name', 'surname', 'dob', 'city', 'email']);
    const { explanation } = pair;
    const sum = explanation.prior + explanation.terms.reduce((total, term) => total + term.weight, 0);
    expect(sum).toBeCloseTo(explanation.weight, 9);
    expect(explanation.probability).toBeGreaterThanOrEqual(result.thresholds.review);
    expect(explanation.terms.map((term) => term.field)).toEqual([
      'first_name',
      'surname',
      'dob',
      'city',
      'email',
    ]);
  });
});

const companies: DedupeConfigInput = {
  id: 'id',
  dossier: 'dossier',
  fields: [
    { column: 'name', kind: 'name' },
    { column: 'siren', kind: 'siren' },
    { column: 'postcode', kind: 'postcode' },
    { column: 'phone', kind: 'phone' },
  ],
  blocking: [['siren'], ['name'], ['postcode', 'name.prefix4'], ['phone']],
};

/** Background companies so that u and EM have something to learn from. */
const background = (count: number, dossier = 'D1') =>
  Array.from({ length: count }, (_, i) => [
    `bg${i}`,
    dossier,
    `Société ${['Alpha', 'Bêta', 'Gamma', 'Delta'][i % 4]} ${i}`,
    String(100000000 + i * 7919).slice(0, 9),
    `${75001 + (i % 20)}`,
    `01 ${String(10 + (i % 90))} ${String(i % 100).padStart(2, '0')} 00 ${String(i % 97).padStart(2, '0')}`,
  ]);
const header = ['id', 'dossier', 'name', 'siren', 'postcode', 'phone'];

describe('runDedupe with strong identifiers and dossiers', () => {
  it('links equal SIRENs whatever the names say, and never merges different SIRENs automatically', async () => {
    const file = await csvFile(header, [
      ...background(300),
      ['same1', 'D1', 'Boulangerie Martin', '552100554', '69003', '04 78 00 00 01'],
      ['same2', 'D1', 'SARL BM Lyon', '552 100 554', '69007', ''],
      ['twin1', 'D1', 'Garage Dupont', '732829320', '13001', '04 91 00 00 02'],
      ['twin2', 'D1', 'Garage Dupont', '404833048', '13001', '04 91 00 00 02'],
    ]);
    const result = await dedupe(file, companies);
    const clusterIds = result.clusters.map((cluster) => cluster.members.map((member) => member.id).sort());
    expect(clusterIds).toContainEqual(['same1', 'same2']);
    expect(clusterIds.flat()).not.toContain('twin1');
    const twins = result.review.pairs.find((pair) => [pair.l.id, pair.r.id].sort().join() === 'twin1,twin2');
    expect(twins?.reason).toBe('strong-identifier-differs');
  });

  it('never compares records of different dossiers, even identical ones', async () => {
    const file = await csvFile(header, [
      ...background(200, 'D1'),
      ['a', 'D1', 'Cabinet Leroy', '', '44000', '02 40 00 00 03'],
      ['b', 'D2', 'Cabinet Leroy', '', '44000', '02 40 00 00 03'],
    ]);
    const result = await dedupe(file, companies);
    expect(result.clusters.flatMap((cluster) => cluster.members.map((member) => member.id))).not.toContain(
      'a',
    );
    expect(result.review.pairs.flatMap((pair) => [pair.l.id, pair.r.id])).not.toContain('a');
  });

  it('links a pair decided "same" and keeps apart a pair decided "different", whatever the scores say', async () => {
    const rows = [
      ...background(300),
      ['twin1', 'D1', 'Cabinet Leroy', '', '44000', '02 40 00 00 03'],
      ['twin2', 'D1', 'Cabinet Leroy', '', '44000', '02 40 00 00 03'],
      ['far1', 'D1', 'Imprimerie Vasseur', '', '59000', '03 20 00 00 04'],
      ['far2', 'D1', 'Librairie Kervella', '', '29200', '02 98 00 00 05'],
    ];
    const file = await csvFile(header, rows);
    const row = (id: string) => rows.findIndex((values) => values[0] === id);
    const clustered = (result: Awaited<ReturnType<typeof dedupe>>) =>
      result.clusters.map((cluster) => cluster.members.map((member) => member.id).sort());

    const undecided = await dedupe(file, companies);
    expect(clustered(undecided)).toContainEqual(['twin1', 'twin2']);
    expect(clustered(undecided).flat()).not.toContain('far1');

    const decided = await runDedupe(workbench, parseDedupeConfig(companies), {
      decisions: { same: [[row('far1'), row('far2')]], different: [[row('twin1'), row('twin2')]] },
    });
    expect(clustered(decided)).toContainEqual(['far1', 'far2']);
    expect(clustered(decided).flat()).not.toContain('twin1');
  });

  it('caps a giant block and reports it instead of expanding it, and ignores empty names and all-null columns', async () => {
    const people = Array.from({ length: 1500 }, (_, i) => [
      `p${i}`,
      'Martin',
      i % 10 === 0 ? '' : (['Jean', 'Marie', 'Luc'][i % 3] ?? ''),
      '',
      `${1950 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    ]);
    const file = await csvFile(['id', 'surname', 'first_name', 'email', 'born'], people);
    const result = await dedupe(file, {
      id: 'id',
      fields: [
        { column: 'surname', kind: 'last_name' },
        { column: 'first_name', kind: 'first_name' },
        { column: 'email', kind: 'email' },
        { column: 'born', kind: 'date' },
      ],
      blocking: [['surname'], ['email'], ['first_name', 'born']],
      blockCap: 1000,
    });
    const surname = result.blocking.rules[0];
    expect(surname?.cappedBlockCount).toBe(1);
    expect(surname?.cappedBlocks[0]).toMatchObject({ key: ' | martin', records: 1500 });
    expect(surname?.pairs).toBe(0);
    expect(result.blocking.rules[1]?.pairs).toBe(0);
    // Only records sharing first name and date of birth were compared: no pair from the capped block.
    expect(result.blocking.candidatePairs).toBe(result.blocking.rules[2]?.pairs);
    expect(result.blocking.candidatePairs).toBeGreaterThan(0);
  });
});

describe('runDedupe on files with nothing to match', () => {
  it('returns every record alone, without error, when no two records share a blocking key', async () => {
    const file = await csvFile(
      ['id', 'surname', 'email'],
      [
        ['1', 'Durand', 'a@example.fr'],
        ['2', 'Moreau', 'b@example.fr'],
        ['3', '', ''],
      ],
    );
    const result = await dedupe(file, {
      id: 'id',
      fields: [
        { column: 'surname', kind: 'last_name' },
        { column: 'email', kind: 'email' },
      ],
      blocking: [['surname'], ['email']],
    });
    expect(result.records).toBe(3);
    expect(result.blocking.candidatePairs).toBe(0);
    expect(result.clusters).toEqual([]);
    expect(result.review.total).toBe(0);
    expect(Number.isFinite(result.model.priorWeight)).toBe(true);
  });
});

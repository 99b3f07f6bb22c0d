import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDedupeConfig } from '../../src/matching/dedupe-config.js';
import { loadCsv, runDedupe, type DedupeOptions } from '../../src/matching/dedupe-engine.js';
import { Workbench } from '../../src/matching/workbench.js';

const FIRST = ['Anne', 'Bruno', 'Claire', 'Denis', 'Elodie', 'Fabrice', 'Gaelle', 'Hugo', 'Ines', 'Julien'];
const LAST = [
  'Moreau',
  'Lefebvre',
  'Garnier',
  'Chevalier',
  'Rousseau',
  'Blanchard',
  'Guerin',
  'Boyer',
  'Perrin',
];
const CITY = ['Lyon', 'Nantes', 'Lille', 'Rennes', 'Dijon', 'Brest', 'Tours', 'Nancy'];

/**
 * 40 people written twice (same name, birth date, city), 30 pairs of twins (same surname, birth date and city,
 * another first name: two people), and 200 people once. Unsupervised, twins look like duplicates that only
 * disagree on the first name; what people decide about some of them is what the model must learn.
 */
const records = () => {
  const rows: string[][] = [];
  const date = (i: number) =>
    `19${50 + (i % 45)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const person = (i: number) => [
    FIRST[i % FIRST.length]!,
    `${LAST[i % LAST.length]!}${Math.floor(i / LAST.length)}`,
    date(i * 7),
    CITY[i % CITY.length]!,
  ];
  for (let i = 0; i < 40; i++) {
    const [first, last, born, city] = person(i);
    rows.push([`dup${i}a`, first!, last!, born!, city!], [`dup${i}b`, first!, last!, born!, city!]);
  }
  const twins: [string, string][] = [];
  for (let i = 100; i < 130; i++) {
    const [first, last, born, city] = person(i);
    const other = FIRST[(i + 3) % FIRST.length]!;
    rows.push([`twin${i}a`, first!, last!, born!, city!], [`twin${i}b`, other, last!, born!, city!]);
    twins.push([`twin${i}a`, `twin${i}b`]);
  }
  for (let i = 200; i < 400; i++) rows.push([`solo${i}`, ...person(i)]);
  return { rows, twins };
};

const config = parseDedupeConfig({
  id: 'id',
  fields: [
    { column: 'first_name', kind: 'first_name' },
    { column: 'last_name', kind: 'last_name' },
    { column: 'born', kind: 'date' },
    { column: 'city', kind: 'city' },
  ],
  blocking: [['last_name'], ['born']],
  thresholds: { auto: 0.95, review: 0.05 },
});

const folders: string[] = [];
afterAll(async () => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

/** Dedupes the records and returns each twin pair's match probability, by the pair's first id. */
const twinProbabilities = async (decide: (rowOf: Map<string, number>) => DedupeOptions['decisions']) => {
  const { rows, twins } = records();
  const folder = await mkdtemp(path.join(tmpdir(), 'cutover-refine-'));
  folders.push(folder);
  const file = path.join(folder, 'people.csv');
  await writeFile(
    file,
    ['id,first_name,last_name,born,city', ...rows.map((row) => row.join(','))].join('\n'),
  );
  const rowOf = new Map(rows.map((row, index) => [row[0]!, index]));
  const workbench = await Workbench.open();
  try {
    await loadCsv(workbench, file);
    const decisions = decide(rowOf);
    const result = await runDedupe(workbench, config, decisions === undefined ? {} : { decisions });
    const [ls = [], rs = [], ps = []] = await workbench.columns('SELECT l, r, probability FROM scored');
    const probability = new Map(ls.map((l, k) => [`${Number(l)}:${Number(rs[k])}`, Number(ps[k])]));
    return {
      result,
      twins: new Map(
        twins.map(([a, b]) => [a, probability.get(`${rowOf.get(a)}:${rowOf.get(b)}`) ?? Number.NaN]),
      ),
      rowOf,
      twinPairs: twins,
    };
  } finally {
    workbench.close();
  }
};

describe('review decisions refine the Fellegi-Sunter model', () => {
  it('stops merging look-alike pairs automatically once people said "different" to some of them', async () => {
    const { twins: twinPairs } = records();
    const decided = twinPairs.slice(0, 10);
    const undecided = twinPairs.slice(10).map(([a]) => a);
    const asRows = (rowOf: Map<string, number>) =>
      decided.map(([a, b]) => [rowOf.get(a)!, rowOf.get(b)!] as const);

    const unsupervised = await twinProbabilities(() => undefined);
    const apart = await twinProbabilities((rowOf) => ({ same: [], different: asRows(rowOf) }));

    expect(unsupervised.result.model.em.labelled).toEqual({ same: 0, different: 0 });
    expect(apart.result.model.em.labelled).toEqual({ same: 0, different: 10 });
    const { auto } = config.thresholds;
    for (const twin of undecided) {
      // Unsupervised, the twins are merged (three strong agreements outweigh the first name) ...
      expect(unsupervised.twins.get(twin)!, twin).toBeGreaterThanOrEqual(auto);
      // ... ten "different" among thirty teach the model: the twenty others now wait for a person instead.
      expect(apart.twins.get(twin)!, twin).toBeLessThan(auto);
    }
    // What moved is the weight of disagreeing on the first name: the model, not a per-pair override.
    const firstNameDiffers = (run: typeof unsupervised) =>
      run.result.model.comparisons.find((comparison) => comparison.field === 'first_name')!.levels.at(-1)!
        .weight;
    expect(firstNameDiffers(apart)).toBeLessThan(firstNameDiffers(unsupervised) - 0.5);
  });
});

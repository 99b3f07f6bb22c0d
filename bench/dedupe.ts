/**
 * Deduplication benchmark: quality on the public data sets with ground truth, side by side with the best
 * published unsupervised Fellegi-Sunter figures, and speed on a million generated French contacts.
 *
 *   npx tsx bench/dedupe.ts            # everything; writes bench/results/dedupe.json
 *   npx tsx bench/dedupe.ts --quality  # the public sets only
 *   npx tsx bench/dedupe.ts --rows 200000
 *
 * The machine has 2 cores shared with other work: the seconds are noisy, take them as an order of magnitude.
 * Peak RSS is read from the kernel (VmHWM) for this process, DuckDB's memory included.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDedupeConfig } from '../src/matching/dedupe-config.js';
import { loadCsv, runDedupe, type DedupeResult } from '../src/matching/dedupe-engine.js';
import { dedupePresets, type DedupePresetName } from '../src/matching/dedupe-presets.js';
import { writeSyntheticContacts } from '../src/matching/synthetic-contacts.js';
import { Workbench } from '../src/matching/workbench.js';
import { sharedData } from '../test/support/shared-data.js';

const here = path.dirname(new URL(import.meta.url).pathname);
// Found as the tests find it: beside this clone, beside the repository it was cloned from, or CUTOVER_SHARED_DATA.
const dataFolder = sharedData('dedupe');
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const qualityOnly = process.argv.includes('--quality');
const speedOnly = process.argv.includes('--speed');
const rows = Number(argument('--rows') ?? 1_000_000);

const peakRssMiB = async (): Promise<number> => {
  const status = await readFile('/proc/self/status', 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kib / 1024);
};
const round = (value: number | undefined, digits = 4) =>
  value === undefined ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;

const sets: { name: string; file: string; preset: DedupePresetName; published?: number; goal?: number }[] = [
  { name: 'febrl3', file: 'febrl3.csv', preset: 'febrl', published: 0.9954, goal: 0.995 },
  { name: 'fake_1000', file: 'fake_1000.csv', preset: 'fake_1000', published: 0.862, goal: 0.87 },
  { name: 'organisations', file: 'organisations_with_true_ids.csv', preset: 'organisations' },
];

const summarise = (result: DedupeResult) => ({
  records: result.records,
  candidatePairs: result.blocking.candidatePairs,
  blockingRecallCeiling: round(result.blocking.recallCeiling?.ceiling),
  cappedBlocks: result.blocking.rules.reduce((sum, rule) => sum + rule.cappedBlockCount, 0),
  clusterPairwise: {
    precision: round(result.evaluation?.clusters.pairwise.precision),
    recall: round(result.evaluation?.clusters.pairwise.recall),
    f1: round(result.evaluation?.clusters.pairwise.f1),
  },
  linkPairwise: {
    precision: round(result.evaluation?.links.precision),
    recall: round(result.evaluation?.links.recall),
    f1: round(result.evaluation?.links.f1),
  },
  bcubedF1: round(result.evaluation?.clusters.bcubed.f1),
  /** Diagnostic only: the best links F1 over all thresholds (labels used), comparable to published best figures. */
  bestLinkF1OverThresholds: round(result.evaluation?.bestThreshold.f1),
  bestThreshold: round(result.evaluation?.bestThreshold.probability),
  clusters: result.clusters.length,
  reviewPairs: result.review.total,
  refusedLinks: result.links.refused,
  seconds: result.seconds,
});

const quality = [];
if (!speedOnly) {
  for (const set of sets) {
    const workbench = await Workbench.open();
    const started = performance.now();
    await loadCsv(workbench, path.join(dataFolder, set.file));
    const result = await runDedupe(workbench, parseDedupeConfig(dedupePresets[set.preset]));
    workbench.close();
    const summary = { set: set.name, published: set.published, goal: set.goal, ...summarise(result) };
    quality.push({ ...summary, totalSeconds: round((performance.now() - started) / 1000, 2) });
    console.log(
      `${set.name.padEnd(14)} F1 clusters ${summary.clusterPairwise.f1?.toFixed(4)}  links ${summary.linkPairwise.f1?.toFixed(4)}` +
        `  published ${set.published?.toFixed(4) ?? '  -   '}  goal ${set.goal?.toFixed(3) ?? '  -  '}` +
        `  B-cubed ${summary.bcubedF1?.toFixed(4)}  blocking ceiling ${summary.blockingRecallCeiling?.toFixed(4)}` +
        `  (best links F1 over thresholds ${summary.bestLinkF1OverThresholds?.toFixed(4)} at ${summary.bestThreshold})`,
    );
  }
}

/**
 * What review decisions teach the model. A reviewer who always answers right (the labels) decides the first
 * `decisions` pairs of the review queue; dedupe runs again with them. The decided pairs themselves are linked or
 * kept apart by the decision, so the model's gain is read on the pairs nobody decided: links F1 of the pairs
 * scored at or above the automatic threshold, before and after, on the same undecided pairs.
 */
const undecidedLinkF1 = async (workbench: Workbench, auto: number, decided: [number, number, boolean][]) => {
  await workbench.run('CREATE OR REPLACE TEMP TABLE decided_pairs (l INTEGER, r INTEGER)');
  await workbench.appendStrings(
    'decided_pairs',
    decided.map(([a, b]) => [String(Math.min(a, b)), String(Math.max(a, b))]),
  );
  const [row] = await workbench.rows<{ tp: number; predicted: number; actual: number }>(
    `SELECT
       (SELECT count(*) FROM scored s JOIN rec a ON a.id = s.l JOIN rec b ON b.id = s.r
        WHERE s.probability >= ${auto} AND a.truth = b.truth
          AND NOT EXISTS (SELECT 1 FROM decided_pairs d WHERE d.l = s.l AND d.r = s.r))::DOUBLE AS tp,
       (SELECT count(*) FROM scored s WHERE s.probability >= ${auto}
          AND NOT EXISTS (SELECT 1 FROM decided_pairs d WHERE d.l = s.l AND d.r = s.r))::DOUBLE AS predicted,
       ((SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM rec WHERE truth IS NOT NULL GROUP BY truth))
        - (SELECT count(*) FROM decided_pairs d JOIN rec a ON a.id = d.l JOIN rec b ON b.id = d.r WHERE a.truth = b.truth))::DOUBLE AS actual`,
  );
  const { tp = 0, predicted = 0, actual = 0 } = row ?? {};
  const precision = predicted === 0 ? 1 : tp / predicted;
  const recall = actual === 0 ? 1 : tp / actual;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
};

const reviewLoop = [];
if (!speedOnly) {
  for (const set of sets.filter((entry) => entry.name !== 'febrl3')) {
    const config = parseDedupeConfig(dedupePresets[set.preset]);
    const first = await Workbench.open();
    await loadCsv(first, path.join(dataFolder, set.file));
    const before = await runDedupe(first, config, { reviewLimit: 100_000 });
    const [truth = []] = await first.columns('SELECT truth FROM rec ORDER BY id');
    const truthOf = truth as (string | null)[];
    for (const decisions of [50, 200]) {
      const decided = before.review.pairs.slice(0, decisions).map(({ l, r }): [number, number, boolean] => {
        const [a, b] = [truthOf[l.row], truthOf[r.row]];
        return [l.row, r.row, a !== null && a !== undefined && a === b];
      });
      const modelBefore = await undecidedLinkF1(first, config.thresholds.auto, decided);
      const second = await Workbench.open();
      await loadCsv(second, path.join(dataFolder, set.file));
      const after = await runDedupe(second, config, {
        decisions: {
          same: decided.filter(([, , same]) => same).map(([l, r]) => [l, r] as const),
          different: decided.filter(([, , same]) => !same).map(([l, r]) => [l, r] as const),
        },
      });
      const modelAfter = await undecidedLinkF1(second, config.thresholds.auto, decided);
      second.close();
      const entry = {
        set: set.name,
        decisions: decided.length,
        same: decided.filter(([, , same]) => same).length,
        undecidedLinkF1: { before: round(modelBefore.f1), after: round(modelAfter.f1) },
        undecidedLinkPrecision: { before: round(modelBefore.precision), after: round(modelAfter.precision) },
        undecidedLinkRecall: { before: round(modelBefore.recall), after: round(modelAfter.recall) },
        clusterF1: {
          before: round(before.evaluation?.clusters.pairwise.f1),
          after: round(after.evaluation?.clusters.pairwise.f1),
        },
        linkF1: { before: round(before.evaluation?.links.f1), after: round(after.evaluation?.links.f1) },
      };
      reviewLoop.push(entry);
      console.log(
        `review loop ${set.name}: ${entry.decisions} decisions (${entry.same} same) -> links F1 on undecided pairs ` +
          `${entry.undecidedLinkF1.before} -> ${entry.undecidedLinkF1.after}; all links ${entry.linkF1.before} -> ${entry.linkF1.after}; ` +
          `clusters ${entry.clusterF1.before} -> ${entry.clusterF1.after}`,
      );
    }
    first.close();
  }
}

let speed;
if (!qualityOnly) {
  const folder = await mkdtemp(path.join(tmpdir(), 'cutover-dedupe-bench-'));
  const file = path.join(folder, 'contacts.csv');
  const generated = await writeSyntheticContacts({ rows, seed: 1, path: file });
  const started = performance.now();
  const workbench = await Workbench.open({ threads: 2, memoryLimit: '2GB' });
  await loadCsv(workbench, file);
  const loadSeconds = (performance.now() - started) / 1000;
  const result = await runDedupe(workbench, parseDedupeConfig(dedupePresets.contacts));
  workbench.close();
  const seconds = (performance.now() - started) / 1000;
  const rss = await peakRssMiB();
  await rm(folder, { recursive: true, force: true });
  speed = {
    ...summarise(result),
    generated,
    seconds: round(seconds, 1),
    loadSeconds: round(loadSeconds, 1),
    steps: result.seconds,
    peakRssMiB: rss,
    goal: { seconds: 120, peakRssMiB: 4096 },
  };
  console.log(
    `contacts ${result.records.toLocaleString('en')}: ${speed.seconds} s end to end (goal < 120), peak RSS ${rss} MiB (goal < 4096);` +
      ` ${result.blocking.candidatePairs.toLocaleString('en')} candidate pairs; F1 clusters ${speed.clusterPairwise.f1}` +
      ` links ${speed.linkPairwise.f1}; blocking ceiling ${speed.blockingRecallCeiling}; steps ${JSON.stringify(result.seconds)}`,
  );
}

// Bad input at scale: half of 200,000 contacts renamed Martin, and a blocking rule on the surname alone. The
// 100,000-record block must be capped and reported, not expanded into 5 billion pairs.
let giantBlock;
if (!qualityOnly) {
  const folder = await mkdtemp(path.join(tmpdir(), 'cutover-dedupe-giant-'));
  const file = path.join(folder, 'contacts.csv');
  await writeSyntheticContacts({ rows: 200_000, seed: 2, path: file });
  const workbench = await Workbench.open({ threads: 2, memoryLimit: '2GB' });
  await loadCsv(workbench, file);
  await workbench.run(`UPDATE src SET last_name = 'Martin' WHERE _row % 2 = 0`);
  const started = performance.now();
  const preset = dedupePresets.contacts;
  const result = await runDedupe(
    workbench,
    parseDedupeConfig({ ...preset, blocking: [...preset.blocking, ['last_name']] }),
  );
  workbench.close();
  await rm(folder, { recursive: true, force: true });
  const rule = result.blocking.rules.at(-1);
  giantBlock = {
    records: result.records,
    seconds: round((performance.now() - started) / 1000, 1),
    rule: rule?.rule,
    cappedBlocks: rule?.cappedBlocks,
    pairsFromRule: rule?.pairs,
    candidatePairs: result.blocking.candidatePairs,
    peakRssMiB: await peakRssMiB(),
  };
  console.log(
    `giant block: ${JSON.stringify(rule?.cappedBlocks[0])} capped and reported; ${giantBlock.seconds} s for ` +
      `${result.records.toLocaleString('en')} records, ${result.blocking.candidatePairs.toLocaleString('en')} candidate pairs`,
  );
}

const resultsFile = path.join(here, 'results', 'dedupe.json');
await mkdir(path.dirname(resultsFile), { recursive: true });
const previous = JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}')) as Record<string, unknown>;
await writeFile(
  resultsFile,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      machine: 'shared 2-core machine: seconds are noisy',
      quality: quality.length > 0 ? quality : previous.quality,
      reviewLoop: reviewLoop.length > 0 ? reviewLoop : previous.reviewLoop,
      speed: speed ?? previous.speed,
      giantBlock: giantBlock ?? previous.giantBlock,
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${path.relative(process.cwd(), resultsFile)}`);

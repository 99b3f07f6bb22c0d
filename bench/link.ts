/**
 * `npx tsx bench/link.ts`: quality and speed of `cutover link` on generated portfolios. Each portfolio is
 * generated, migrated into its SQLite target, linked at the default thresholds (0.95 / 0.5, those of dedupe,
 * not tuned), and measured against manifest.json's link truth: pairwise precision, recall and F1 over pairs of
 * records of two systems, and the recall a fully decided review queue would reach. A second link with the review
 * threshold at 0.05 is a diagnostic only: how large the queue grows to hold the name-only pairs.
 * Results in bench/results/link.json and the README between the bench:link markers.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultLinkPlan } from '../src/core/plan/link-plan-schema.js';
import { generatePortfolio } from '../src/generator/generate-portfolio.js';
import type { Manifest } from '../src/generator/manifest.js';
import { evaluateLinks } from '../src/pipeline/link/evaluate-links.js';
import { LINK_REVIEW_ENTITY, linkClients } from '../src/pipeline/link/link-clients.js';
import { loadPlanFile } from '../src/pipeline/plan/load-plan-file.js';
import { openTarget } from '../src/pipeline/run/open-target.js';
import { runMigration } from '../src/pipeline/run/run-migration.js';
import { readLinkMembers } from '../src/store/state/link-members.js';
import { StateStore } from '../src/store/state/state-store.js';

const here = import.meta.dirname;
const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const portfolios = [
  { dossiers: 50, seed: 1 },
  { dossiers: 200, seed: 7 },
];

const measure = async ({ dossiers, seed }: { dossiers: number; seed: number }) => {
  const folder = await mkdtemp(path.join(tmpdir(), 'cutover-bench-link-'));
  try {
    await generatePortfolio({ dossiers, seed, outDir: folder });
    const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as Manifest;
    const loaded = await loadPlanFile(path.join(folder, 'cutover.yaml'));
    const state = await StateStore.open(path.join(folder, '.cutover', 'state.db'));
    const target = await openTarget(loaded);
    try {
      await runMigration({ loaded, state, target });
      const link = async (review: number) => {
        const plan = { ...loaded.plan, link: { ...defaultLinkPlan(), thresholds: { auto: 0.95, review } } };
        const summary = await linkClients({ loaded: { ...loaded, plan }, state, target });
        const evaluation = evaluateLinks(
          await readLinkMembers(state),
          manifest.links,
          await state.reviewPairs({ entity: LINK_REVIEW_ENTITY, pending: true }),
        );
        return { summary, evaluation };
      };
      const wide = await link(0.05);
      const { summary, evaluation } = await link(0.5);
      const result = {
        dossiers,
        seed,
        records: summary.records,
        candidatePairs: summary.blocking.candidatePairs,
        seconds: summary.seconds,
        crossLinks: summary.crossLinks,
        siren: summary.siren,
        truePairs: evaluation.actual,
        precision: round(evaluation.precision),
        recall: round(evaluation.recall),
        f1: round(evaluation.f1),
        review: { ...evaluation.review, recallWithReview: round(evaluation.recallWithReview) },
        bySystems: Object.fromEntries(
          Object.entries(evaluation.bySystems).map(([systems, counts]) => [
            systems,
            {
              ...counts,
              precision: round(counts.precision),
              recall: round(counts.recall),
              f1: round(counts.f1),
            },
          ]),
        ),
        reviewAt005: { ...wide.evaluation.review, recallWithReview: round(wide.evaluation.recallWithReview) },
      };
      console.log(JSON.stringify(result));
      return result;
    } finally {
      await target.close();
      await state.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
};

const results = [];
for (const portfolio of portfolios) results.push(await measure(portfolio));
const measuredAt = new Date().toISOString();
await writeFile(
  path.join(here, 'results', 'link.json'),
  `${JSON.stringify({ measuredAt, machine: 'shared 2-core machine: seconds are noisy', portfolios: results }, null, 2)}\n`,
);

const readme = path.join(here, '..', 'README.md');
const text = await readFile(readme, 'utf8');
const [start, end] = ['<!-- bench:link:start -->', '<!-- bench:link:end -->'];
if (text.includes(start) && text.includes(end)) {
  const number = (value: number) => value.toLocaleString('en-US');
  const table = [
    `Measured ${measuredAt.slice(0, 10)} on the shared 2-core machine (\`npx tsx bench/link.ts\`, raw figures in \`bench/results/link.json\`):`,
    '',
    '| portfolio | records (registry / CRM / books) | true pairs | precision | recall | F1 | review queue (true) | recall, queue decided | queue at review 0.05 (true) | recall, queue decided | seconds |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (row) =>
        `| ${row.dossiers} dossiers, seed ${row.seed} | ${number(row.records.registry ?? 0)} / ${number(row.records.crm ?? 0)} / ${number(row.records.accounting ?? 0)} | ${number(row.truePairs)} | ${row.precision.toFixed(4)} | ${row.recall.toFixed(4)} | **${row.f1.toFixed(4)}** | ${number(row.review.pending)} (${number(row.review.true)}) | ${row.review.recallWithReview.toFixed(4)} | ${number(row.reviewAt005.pending)} (${number(row.reviewAt005.true)}) | ${row.reviewAt005.recallWithReview.toFixed(4)} | ${row.seconds.toFixed(1)} |`,
    ),
    '',
    'Per pair of systems (true pairs found / true pairs; precision):',
    '',
    ...results.map(
      (row) =>
        `- ${row.dossiers} dossiers: ` +
        Object.entries(row.bySystems)
          .map(
            ([systems, counts]) =>
              `${systems} ${number(counts.truePositives)} / ${number(counts.actual)} (precision ${counts.precision.toFixed(4)})`,
          )
          .join('; '),
    ),
  ].join('\n');
  await writeFile(
    readme,
    text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n\n${table}\n\n${end}`),
  );
}

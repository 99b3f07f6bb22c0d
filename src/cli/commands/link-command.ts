import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { evaluateLinks, type TruthGroup } from '../../pipeline/link/evaluate-links.js';
import { LINK_REVIEW_ENTITY, linkClients } from '../../pipeline/link/link-clients.js';
import { readLinkMembers } from '../../store/state/link-members.js';
import { createOutput, formatCount, formatDuration, formatNumber } from '../output.js';
import { renderDedupeProgress } from '../render-run.js';
import { withSession } from '../session.js';

/** `cutover link` and `cutover link eval`: one client is one company in the registry, the CRM and the books. */

interface SessionOptions {
  plan: string;
  state?: string;
  json?: boolean;
}

export interface LinkCommandOptions extends SessionOptions {
  review?: number;
}

export interface LinkEvalOptions extends SessionOptions {
  truth: string;
}

export const linkCommand = async (options: LinkCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const reviewLimit = options.review;
  // Linking reads the companies and third parties a run loaded: a SQLite target that is not there is refused, not
  // created empty (which reconcile would then read as a target that lost every row).
  const progress = output.interactive ? renderDedupeProgress(output, 'link') : undefined;
  const summary = await withSession(
    { plan: options.plan, state: options.state, target: true, readsTarget: true },
    (session) => {
      if (session.target === undefined) throw new CutoverError(ErrorCode.INTERNAL, 'link: no target opened');
      return linkClients({
        loaded: session.loaded,
        state: session.state,
        target: session.target,
        ...(reviewLimit === undefined ? {} : { reviewLimit }),
        ...(progress === undefined ? {} : { onProgress: progress.onProgress }),
      });
    },
  ).finally(() => {
    progress?.stop();
    output.clearProgress();
  });
  const systems = Object.entries(summary.records)
    .map(([system, count]) => `${formatNumber(count)} ${system}`)
    .join(', ');
  output.info(`Read ${systems} records; ${formatNumber(summary.blocking.candidatePairs)} pairs compared.`);
  const links = Object.entries(summary.crossLinks).map(
    ([systems, count]) => `${formatNumber(count)} ${systems} links`,
  );
  output.info(
    `${formatNumber(summary.clients)} clients found in more than one record (${formatNumber(summary.linkedRecords)} records)` +
      (links.length === 0 ? '.' : `: ${links.join(', ')}`),
  );
  output.info(
    `SIREN: ${summary.siren.invalid} invalid (check digit or length; compared as missing), ${summary.siren.fromSiret} from a SIRET, ${summary.siren.fromVat} from a VAT number.`,
  );
  if (summary.unusable > 0)
    output.info(
      `${formatCount(summary.unusable, 'record')} with neither name nor SIREN: ${summary.unusable === 1 ? 'left' : 'each left'} a client of its own.`,
    );
  for (const rule of summary.blocking.rules) {
    if (rule.cappedBlockCount === 0) continue;
    const largest = rule.cappedBlocks[0];
    output.info(
      `  blocking ${rule.rule}: ${formatCount(rule.cappedBlockCount, 'block')} over blockCap, not expanded` +
        (largest === undefined
          ? ''
          : ` (largest: "${largest.key}", ${formatNumber(largest.records)} records)`),
    );
  }
  output.info(
    `${formatCount(summary.review.total, 'pair')} to review (${formatNumber(summary.refused)} refused by a conflict check); ` +
      `${formatNumber(summary.decisionsApplied.same)} "same" and ${formatNumber(summary.decisionsApplied.different)} "different" decisions applied. ` +
      // As run and the demo write a duration ("2.2 s", "1 min 05 s"), not "2.187 s".
      `${formatDuration(summary.seconds * 1000)}.`,
  );
  if (summary.review.total > 0)
    output.info(
      'Next: `cutover review --entity link`, then `cutover review decide PAIR same|different` and `cutover link` again.',
    );
  output.result(summary);
  return ExitCode.OK;
};

/** The truth: a generated portfolio's manifest.json (its `links`), or a JSON list of {client, members}. */
const readTruth = async (file: string): Promise<TruthGroup[]> => {
  if (!existsSync(file)) throw new CutoverError(ErrorCode.FILE_NOT_FOUND, `--truth ${file}: no such file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CutoverError(ErrorCode.USAGE, `--truth ${file}: not JSON (${messageOf(error)})`);
  }
  const groups = Array.isArray(parsed) ? parsed : (parsed as { links?: unknown } | null)?.links;
  const valid =
    Array.isArray(groups) &&
    groups.every(
      (group: unknown) =>
        typeof group === 'object' &&
        group !== null &&
        typeof (group as TruthGroup).client === 'string' &&
        Array.isArray((group as TruthGroup).members),
    );
  if (!valid) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `--truth ${file}: expected a manifest.json with "links", or a list of {client, members: [{entity, dossier, key}]}`,
    );
  }
  return groups as TruthGroup[];
};

/** `cutover link eval --truth FILE`: pairwise precision, recall and F1 of the stored links, across systems. */
export const linkEvalCommand = async (options: LinkEvalOptions): Promise<number> => {
  const output = createOutput(options);
  const truth = await readTruth(options.truth);
  const { members, pending } = await withSession(
    { plan: options.plan, state: options.state, target: false, readsState: true },
    async (session) => ({
      members: await readLinkMembers(session.state),
      pending: await session.state.reviewPairs({ entity: LINK_REVIEW_ENTITY, pending: true }),
    }),
  );
  if (members.length === 0) {
    throw new CutoverError(ErrorCode.USAGE, 'no links stored yet: run `cutover link` first');
  }
  const evaluation = evaluateLinks(members, truth, pending);
  output.info(
    `Pairs across systems: precision ${evaluation.precision.toFixed(4)}, recall ${evaluation.recall.toFixed(4)}, ` +
      `F1 ${evaluation.f1.toFixed(4)} (${formatNumber(evaluation.truePositives)} right of ${formatNumber(evaluation.predicted)} linked; ${formatNumber(evaluation.actual)} true).`,
  );
  output.info(
    `Review queue: ${formatNumber(evaluation.review.pending)} pending pairs, ${formatNumber(evaluation.review.true)} of them true; ` +
      `recall if all were decided right: ${evaluation.recallWithReview.toFixed(4)}.`,
  );
  if (evaluation.truthNotRead > 0)
    output.info(
      `${formatCount(evaluation.truthNotRead, 'record')} of the truth ${evaluation.truthNotRead === 1 ? 'was' : 'were'} not read by link (not migrated?).`,
    );
  output.result(evaluation);
  return ExitCode.OK;
};

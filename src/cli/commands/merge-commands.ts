import { refuseUnknownDossiers } from '../../pipeline/run/refuse-unknown-dossiers.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { entityNames, isEntityName } from '../../core/model/canonical-model.js';
import { dedupeEntity } from '../../pipeline/dedupe/dedupe-entity.js';
import { undoMerge } from '../../pipeline/dedupe/undo-merge.js';
import { LINK_REVIEW_ENTITY } from '../../pipeline/link/link-clients.js';
import { ReviewDecision } from '../../store/state/state-store.js';
import { createOutput, formatCount, formatNumber } from '../output.js';
import { renderDedupeProgress } from '../render-run.js';
import { withSession } from '../session.js';
import { cellText, sideBySide } from '../side-by-side.js';

/** `cutover dedupe --plan`, `cutover dedupe undo`, `cutover review`: deduplication as a step of a migration. */

interface SessionOptions {
  plan: string;
  state?: string;
  json?: boolean;
}

export interface DedupePlanOptions extends SessionOptions {
  entity?: string;
  dossier?: string[];
  review?: number;
}

export interface DedupeUndoOptions extends SessionOptions {
  entity: string;
  survivor?: string;
  cluster?: string;
  dossier?: string;
}

export interface ReviewListOptions extends SessionOptions {
  entity?: string;
  decided?: boolean;
  dossier?: string;
  limit: number;
}

const entityOf = (entity: string | undefined) => {
  if (entity === undefined) {
    throw new CutoverError(
      ErrorCode.USAGE,
      'cutover dedupe needs --entity (with --plan), or a subcommand: eval, run (on a CSV), undo',
    );
  }
  if (!isEntityName(entity)) throw new CutoverError(ErrorCode.USAGE, `unknown entity ${entity}`);
  return entity;
};

/** `cutover dedupe --plan P --entity E`: find the entity's duplicates, store merges and the review queue. */
export const dedupePlanCommand = async (options: DedupePlanOptions): Promise<number> => {
  const output = createOutput(options);
  const entity = entityOf(options.entity);
  const progress = output.interactive ? renderDedupeProgress(output, `dedupe ${entity}`) : undefined;
  const summary = await withSession({ plan: options.plan, state: options.state, target: false }, (session) =>
    dedupeEntity({
      loaded: session.loaded,
      state: session.state,
      entity,
      ...(options.dossier === undefined ? {} : { dossiers: options.dossier }),
      ...(options.review === undefined ? {} : { reviewLimit: options.review }),
      ...(progress === undefined ? {} : { onProgress: progress.onProgress }),
    }),
  ).finally(() => {
    progress?.stop();
    output.clearProgress();
  });
  output.info(
    `${entity}: ${formatCount(summary.records, 'record')} in ${formatCount(summary.dossiers.length, 'dossier')}; ${formatCount(summary.clusters, 'cluster')}, ` +
      `${formatCount(summary.merged, 'record')} to merge into their survivor; ${formatCount(summary.review.total, 'pair')} to review ` +
      `(${formatNumber(summary.decisionsApplied.same)} "same" and ${formatNumber(summary.decisionsApplied.different)} "different" decisions applied)`,
  );
  for (const rule of summary.blocking.rules) {
    if (rule.cappedBlockCount > 0)
      output.info(
        `  blocking ${rule.rule}: ${formatCount(rule.cappedBlockCount, 'block')} over the cap, not expanded`,
      );
  }
  output.info('Next: `cutover review` for the doubtful pairs, then `cutover run` to load the survivors.');
  output.result(summary);
  return ExitCode.OK;
};

/** `cutover dedupe undo`: the absorbed records of a cluster are loaded again by the next run. */
export const dedupeUndoCommand = async (options: DedupeUndoOptions): Promise<number> => {
  const output = createOutput(options);
  const undone = await withSession(
    { plan: options.plan, state: options.state, target: false, readsState: true, amendsState: true },
    (session) =>
      undoMerge(session.state, {
        entity: entityOf(options.entity),
        ...(options.survivor === undefined ? {} : { survivorKey: options.survivor }),
        ...(options.cluster === undefined ? {} : { clusterId: options.cluster }),
        ...(options.dossier === undefined ? {} : { dossier: options.dossier }),
      }),
  );
  for (const merge of undone) {
    output.info(
      `undone: ${merge.dossierId} ${merge.entity} ${merge.absorbedKey} no longer merged into ${merge.survivorKey} (cluster ${merge.clusterId})`,
    );
  }
  // One undone merge is one record: "these records ... them" read as if more had been undone.
  output.info(
    undone.length === 1
      ? 'The next `cutover run` loads this record again; `cutover dedupe` will not merge it again.'
      : 'The next `cutover run` loads these records again; `cutover dedupe` will not merge them again.',
  );
  output.result({ undone });
  return ExitCode.OK;
};

/** `cutover review`: the pending pairs, fields side by side, with the score and what weighed how much. */
export const reviewListCommand = async (options: ReviewListOptions): Promise<number> => {
  const output = createOutput(options);
  // A misspelt entity would answer "0 pairs to review" and pass for an empty queue.
  if (
    options.entity !== undefined &&
    options.entity !== LINK_REVIEW_ENTITY &&
    !isEntityName(options.entity)
  ) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `unknown entity ${options.entity}: the entities are ${entityNames.join(', ')}, and ${LINK_REVIEW_ENTITY} for the pairs of \`cutover link\``,
    );
  }
  const pairs = await withSession(
    { plan: options.plan, state: options.state, target: false, readsState: true },
    async (session) => {
      const all = await session.state.reviewPairs({
        pending: options.decided !== true,
        ...(options.entity === undefined ? {} : { entity: options.entity }),
      });
      if (options.dossier === undefined) return all;
      // A misspelt --dossier would answer "0 pairs to review" and pass for a queue done, as ledger refuses it. Known
      // are the dossiers a run listed and those of the pairs (dedupe runs before the first migration).
      const known = new Set((await session.state.listDossiers()).map((dossier) => dossier.id));
      for (const pair of all) known.add(pair.dossierId).add(pair.rightDossierId);
      refuseUnknownDossiers([options.dossier], [...known].sort());
      return all.filter((pair) => pair.dossierId === options.dossier);
    },
  );
  const shown = pairs.slice(0, options.limit);
  output.info(
    `${formatCount(pairs.length, 'pair')} ${options.decided === true ? 'decided' : 'to review'}${shown.length < pairs.length ? `, first ${formatNumber(shown.length)}` : ''}`,
  );
  for (const pair of shown) {
    output.info('');
    output.info(
      `pair ${pair.pairId}  ${pair.dossierId} ${pair.entity}  ${pair.leftKey} ~ ${pair.rightDossierId === pair.dossierId ? '' : `${pair.rightDossierId}/`}${pair.rightKey}  probability ${pair.probability.toFixed(3)}  (${pair.reason})${pair.decision === null ? '' : `  decided ${pair.decision} ${pair.decidedAt ?? ''}`}`,
    );
    const rows = pair.fields.map(([name, left, right]) => ({
      name,
      value: cellText(left),
      after: cellText(right),
    }));
    for (const line of sideBySide(rows)) output.info(line);
    const explanation = pair.explanation as {
      prior?: number;
      terms?: { field: string; level: string; weight: number }[];
    };
    const signed = (weight: number) => `${weight >= 0 ? '+' : ''}${weight.toFixed(1)}`;
    const terms = (explanation.terms ?? []).map(
      (term) => `${term.field} ${term.level} ${signed(term.weight)}`,
    );
    // The prior first: without it the weights shown did not add up to the probability.
    if (terms.length > 0)
      output.info(
        `  why: ${explanation.prior === undefined ? '' : `prior ${signed(explanation.prior)}; `}${terms.join('; ')}`,
      );
  }
  if (shown.length > 0 && options.decided !== true)
    output.info('\nDecide with `cutover review decide PAIR same|different`.');
  output.result({ total: pairs.length, pairs: shown });
  return ExitCode.OK;
};

/** `cutover review decide PAIR same|different`: kept, and applied by every later `cutover dedupe`. */
export const reviewDecideCommand = async (
  pairId: string,
  decision: string,
  options: SessionOptions,
): Promise<number> => {
  const output = createOutput(options);
  if (decision !== ReviewDecision.same && decision !== ReviewDecision.different) {
    throw new CutoverError(ErrorCode.USAGE, `decision must be same or different, not ${decision}`);
  }
  const found = await withSession(
    { plan: options.plan, state: options.state, target: false, readsState: true, amendsState: true },
    (session) => session.state.decideReviewPair(pairId, decision),
  );
  if (!found) throw new CutoverError(ErrorCode.USAGE, `no review pair ${pairId}: see \`cutover review\``);
  output.info(
    `pair ${pairId}: ${decision}. The next \`cutover dedupe\` (\`cutover link\` for link pairs) applies it.`,
  );
  output.result({ pairId, decision });
  return ExitCode.OK;
};

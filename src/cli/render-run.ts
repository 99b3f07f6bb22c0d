import type { RunProgress, RunSummary } from '../pipeline/run/run-migration.js';
import type { StepCounts } from '../store/state/state-store.js';
import type { DedupeEntityProgress } from '../pipeline/dedupe/dedupe-entity.js';
import type {
  DossierReconciliation,
  EntityReconciliation,
  Reconciliation,
} from '../pipeline/reconcile/reconcile.js';
import { formatAmount, formatCount, formatDuration, formatNumber, type Output } from './output.js';

/**
 * Under this, the time left would show as "ETA 0.0 s": every byte is read and the last batch is being written, which
 * may take longer than that estimate says (a large batch, a slow target), so the line says "finishing".
 */
const FINISHING_MS = 50;

export const renderProgress = (output: Output) => (progress: RunProgress) => {
  const eta =
    progress.etaMs === undefined
      ? ''
      : progress.etaMs < FINISHING_MS
        ? ' · finishing'
        : ` · ETA ${formatDuration(progress.etaMs)}`;
  const where =
    progress.dossier === undefined
      ? ''
      : ` · ${progress.dossier}${progress.entity ? ` ${progress.entity}` : ''}`;
  output.progress(
    `dossiers ${progress.dossiersDone}/${progress.dossiersTotal} · ${formatNumber(progress.records)} records · ${formatNumber(progress.recordsPerSecond)} rec/s${eta}${where}`,
  );
};

/**
 * Live progress of a reconciliation: dossiers done, the records they held, the rate and the time left (from the
 * dossiers done so far: their sizes vary, so the estimate settles as they add up).
 */
export const renderReconcileProgress = (output: Output) => {
  const started = Date.now();
  let records = 0;
  return (done: number, total: number, dossier: DossierReconciliation): void => {
    for (const entity of dossier.entities) records += entity.source;
    const elapsedMs = Math.max(Date.now() - started, 1);
    const etaMs = (elapsedMs * (total - done)) / done;
    output.progress(
      `reconciling dossiers ${formatNumber(done)}/${formatNumber(total)} · ${formatNumber(records)} records · ${formatNumber((records * 1000) / elapsedMs)} rec/s · ETA ${formatDuration(etaMs)}`,
    );
  };
};

/**
 * Live progress of `cutover dedupe --entity` and `cutover link` (`label` starts the line): while it reads, the
 * dossiers read (dedupe), the records, the rate and the time left (from the dossiers read so far); then the matching
 * engine's step, of how many, and the time matching has taken, ticking every second. The engine's steps are
 * set-based SQL in DuckDB that report nothing while they run: no estimate is made of them. `stop` ends the ticking.
 */
export const renderDedupeProgress = (output: Output, label: string) => {
  const started = Date.now();
  let shownAt = 0;
  let matching: { since: number; line: string } | undefined;
  let ticking: NodeJS.Timeout | undefined;
  const showMatching = () => {
    if (matching !== undefined)
      output.progress(`${matching.line} · ${formatDuration(Date.now() - matching.since)}`);
  };
  const onProgress = (progress: DedupeEntityProgress): void => {
    const now = Date.now();
    if (progress.phase === 'read') {
      // A line per batch is more than a terminal can show: four a second.
      if (now - shownAt < 250) return;
      shownAt = now;
      const elapsedMs = Math.max(now - started, 1);
      const eta =
        progress.dossiersDone === 0 || progress.dossiers === 0
          ? ''
          : ` · ETA ${formatDuration((elapsedMs * (progress.dossiers - progress.dossiersDone)) / progress.dossiersDone)}`;
      // `cutover link` reads systems, not dossiers one by one: its line names the system being read.
      const where =
        progress.dossiers === 0 ? '' : `dossiers ${progress.dossiersDone}/${progress.dossiers} · `;
      output.progress(
        `${label}: reading ${where}${formatNumber(progress.records)} records · ${formatNumber((progress.records * 1000) / elapsedMs)} rec/s${eta} · ${progress.dossier}`,
      );
      return;
    }
    matching = {
      since: matching?.since ?? now,
      line: `${label}: matching ${formatNumber(progress.records)} records · step ${progress.stepIndex + 1}/${progress.steps} ${progress.step}`,
    };
    showMatching();
    ticking ??= setInterval(showMatching, 1000).unref();
  };
  return { onProgress, stop: () => clearInterval(ticking) };
};

/** `command`: the one that ran, for the heading (a replay's summary was headed "Run"). */
export const renderRunSummary = (
  output: Output,
  summary: RunSummary,
  command: 'run' | 'replay' = 'run',
): void => {
  output.clearProgress();
  const verb = summary.dryRun
    ? 'Dry run'
    : `${summary.resumed ? 'Resumed ' : ''}${command}`.replace(/^./, (first) => first.toUpperCase());
  const outcome = {
    succeeded: 'succeeded',
    threshold_crossed: 'stopped: a rejected-records threshold was crossed',
    unreadable_sources: `${summary.dryRun ? 'incomplete' : 'unfinished'}: a source file of ${summary.dossiers.unreadable.length} dossier${summary.dossiers.unreadable.length === 1 ? '' : 's'} could not be read (the others went on; ${summary.dryRun ? 'fix it and dry-run again' : 'fix it and run the same command to resume'})`,
  }[summary.status];
  output.info(`${verb} ${summary.runId}: ${outcome}`);
  output.info(
    `  dossiers  ${summary.dossiers.done}/${summary.dossiers.total} done${summary.dossiers.total === 0 && summary.notices.some((notice) => notice.code === 'NO_DOSSIER_FOUND') ? ': no dossier found, nothing was read (NO_DOSSIER_FOUND below)' : ''}${summary.dossiers.thresholdCrossed.length > 0 ? `, threshold crossed in ${summary.dossiers.thresholdCrossed.join(', ')}` : ''}`,
  );
  for (const crossing of summary.thresholds.slice(0, 20)) {
    const { dossier: id, entity, rejected, records, maxRejectedRatio } = crossing;
    // What stopped it and what to do: the counts alone left the reader to find the entity and the plan's setting.
    const fix = summary.dryRun
      ? 'fix the records listed below'
      : `fix the records (\`cutover ledger --dossier ${id} --fate rejected\`)`;
    output.info(
      `  stopped   ${id} ${entity}: ${formatNumber(rejected)} of ${formatNumber(records)} records rejected, more than maxRejectedRatio ${maxRejectedRatio} allows; ${fix} and run again, or raise the plan's thresholds`,
    );
  }
  for (const dossier of summary.dossiers.unreadable.slice(0, 20))
    output.info(`  not read  ${dossier.id} (${dossier.entity}): ${dossier.message}`);
  if (summary.dossiers.unreadable.length > 20)
    output.info(`  … and ${summary.dossiers.unreadable.length - 20} more (\`--json\` lists them all)`);
  output.info(
    `  records   ${formatNumber(summary.records.read)} read: ${formatNumber(summary.records.loaded)} ${summary.dryRun ? 'would load' : 'loaded'}, ${summary.records.merged > 0 ? `${formatNumber(summary.records.merged)} merged, ` : ''}${formatNumber(summary.records.skipped)} skipped, ${formatNumber(summary.records.rejected)} rejected`,
  );
  // A re-run removes the rows of earlier runs it no longer loads: said, since the counts above only tell what is.
  if (summary.removedStaleRows > 0)
    output.info(
      `  removed   ${formatNumber(summary.removedStaleRows)} target row${summary.removedStaleRows === 1 ? '' : 's'} loaded before and not by this run (records gone from the source, or now rejected, skipped or merged)`,
    );
  output.info(
    `  time      ${formatDuration(summary.elapsedMs)} (${formatNumber(summary.recordsPerSecond)} records/s)`,
  );
  for (const [entity, counts] of Object.entries(summary.entities)) {
    output.info(
      `    ${entity.padEnd(12)} ${formatNumber(counts.recordsRead - counts.repeats).padStart(10)} read ${formatNumber(counts.loaded).padStart(10)} ${summary.dryRun ? 'would load' : 'loaded'} ${formatNumber(counts.skipped).padStart(7)} skipped ${formatNumber(counts.rejected).padStart(7)} rejected${counts.merged === undefined ? '' : ` ${formatNumber(counts.merged).padStart(7)} merged`}${rowChanges(counts)}`,
    );
  }
  if (summary.rejectedSamples.length > 0) {
    output.info(
      summary.dryRun
        ? '  first records a run would reject (a dry run writes no ledger):'
        : '  first rejected records (all are in the ledger: `cutover ledger`):',
    );
    for (const entry of summary.rejectedSamples.slice(0, 8)) {
      output.info(
        `    ${entry.dossierId} ${entry.entity} ${entry.location}: ${entry.reason} ${entry.message ?? ''}`,
      );
    }
  }
  if (summary.notices.length > 0) {
    output.info(`  notices: ${summary.notices.length}`);
    const kinds = noticeKinds(summary.notices);
    for (const { notice, count } of kinds.slice(0, MAX_NOTICE_KINDS)) {
      // Most messages already name their file: say it once.
      const where = notice.message.startsWith(notice.source) ? '' : `${notice.source}: `;
      output.info(`    ${notice.code}${count > 1 ? ` ×${count}, the first:` : ''} ${where}${notice.message}`);
    }
    if (kinds.length > MAX_NOTICE_KINDS || kinds.length < summary.notices.length)
      output.info('    … `--json` lists them all');
  }
};

/**
 * What the rows loaded were to the target: on a re-run, how many were new, updated (content changed) or unchanged,
 * the first thing asked of a delta run; a first load's are all new. Nothing in a dry run, which cannot tell.
 */
const rowChanges = (counts: StepCounts): string => {
  if (counts.new === undefined || counts.loaded === 0) return '';
  if (counts.new === counts.loaded) return ' (all new)';
  return ` (${formatNumber(counts.new)} new, ${formatNumber(counts.updated ?? 0)} updated, ${formatNumber(counts.unchanged ?? 0)} unchanged)`;
};

const MAX_NOTICE_KINDS = 10;

/** Notices that say a dossier was read as holding nothing: a client left out, worth more than any line's encoding. */
const NOTHING_READ = new Set(['NO_DOSSIER_FOUND', 'NO_MATCHING_FILE', 'DOSSIER_WITHOUT_SOURCES']);

/**
 * The run's notices, one per code with how many it has (the first one shown), those about a dossier that read
 * nothing first, then in the order they came. Shown one by one, the first five of a FEC portfolio were lines of one
 * file read in Windows-1252, and the two dossiers whose folder held no file of the plan's name were left unsaid.
 */
const noticeKinds = <N extends { code: string }>(notices: readonly N[]): { notice: N; count: number }[] => {
  const kinds = new Map<string, { notice: N; count: number }>();
  for (const notice of notices) {
    const kind = kinds.get(notice.code);
    if (kind === undefined) kinds.set(notice.code, { notice, count: 1 });
    else kind.count++;
  }
  const all = [...kinds.values()];
  return [
    ...all.filter((kind) => NOTHING_READ.has(kind.notice.code)),
    ...all.filter((kind) => !NOTHING_READ.has(kind.notice.code)),
  ];
};

/** The first `shown` names, and how many more there are: `D1, D2, … 3 more`. */
const firstOf = (names: readonly string[], shown: number): string =>
  `${names.slice(0, shown).join(', ')}${names.length > shown ? `, … ${formatNumber(names.length - shown)} more` : ''}`;

/** The sum over every entity of every dossier of one of its counts. */
const sumOfEntities = (result: Reconciliation, count: (entity: EntityReconciliation) => number): number =>
  result.dossiers.reduce(
    (total, dossier) => total + dossier.entities.reduce((sum, entity) => sum + count(entity), 0),
    0,
  );

/** A unit that the last run stopped at its rejected-records threshold. */
export interface StoppedUnit {
  readonly runId: string;
  readonly dossierId: string;
  readonly entity: string;
}

export const renderReconciliation = (
  output: Output,
  result: Reconciliation,
  stopped: readonly StoppedUnit[] = [],
): void => {
  output.clearProgress();
  const { totals } = result;
  // A dossier for which nothing was read holds its identity with nothing on either side: not counted among those
  // proven on their records, and named (the exit code stays the identity's: 0).
  const nothingRead = result.dossiers.filter((d) => d.ok && d.nothingRead === true).map((d) => d.id);
  const readNothing =
    nothingRead.length === 0
      ? ''
      : `, ${formatNumber(nothingRead.length)} with nothing read: ${firstOf(nothingRead, 10)}`;
  output.info(
    `Reconciliation: ${result.ok ? 'every record is accounted for and matches' : 'DIFFERENCES FOUND'} (${formatNumber(totals.dossiersOk - nothingRead.length)}/${formatNumber(totals.dossiers)} dossiers ok${readNothing})`,
  );
  const fates = totals.loaded + totals.merged + totals.skipped + totals.rejected;
  output.info(
    `  source ${formatNumber(totals.source)} ${totals.source === fates ? '=' : '≠'} loaded ${formatNumber(totals.loaded)} + merged ${formatNumber(totals.merged)} + skipped ${formatNumber(totals.skipped)} + rejected ${formatNumber(totals.rejected)}; unaccounted ${formatNumber(totals.unaccounted)}; content mismatches ${formatNumber(totals.contentMismatches)}`,
  );
  if (nothingRead.length > 0) {
    // Only a run says DOSSIER_WITHOUT_SOURCES: of a dossier no run has read (a registry's client left out of every
    // `--dossier`), it is not said to have been.
    const neverRun = result.dossiers
      .filter((d) => d.ok && d.nothingRead === true && d.notMigrated === true)
      .map((d) => d.id);
    const said =
      neverRun.length === 0
        ? 'the run said DOSSIER_WITHOUT_SOURCES'
        : `no run has read ${neverRun.length === nothingRead.length ? 'them' : `${firstOf(neverRun, 10)}`} yet`;
    output.info(
      `  with nothing read: no source of the plan's paths is there (${said}), so none of their records is proven; are their files named as the plan's paths say?`,
    );
  }
  const overFated = result.dossiers.flatMap((dossier) =>
    dossier.entities.filter((e) => e.unaccounted < 0).map((e) => `${dossier.id} ${e.entity}`),
  );
  if (overFated.length > 0) {
    output.info(
      `  the ledger holds fates for records the source no longer has (${firstOf(overFated, 5)}): the source changed after its run; \`cutover run\` again brings the ledger up to date`,
    );
  }
  // Merges that `cutover dedupe` stored, or undid, since the last run: the differences they make are a run away,
  // not a loss.
  const pendingMerges = sumOfEntities(result, (entity) => entity.pendingMerges ?? 0);
  const pendingUnmerges = sumOfEntities(result, (entity) => entity.pendingUnmerges ?? 0);
  if (pendingUnmerges > 0) {
    const one = pendingUnmerges === 1;
    output.info(
      `  ${formatNumber(pendingUnmerges)} record${one ? '' : 's'} the ledger says merged ${one ? 'is' : 'are'} no longer (\`cutover dedupe undo\`, or the plan's dedupe section taken out) and ${one ? 'has' : 'have'} no row of ${one ? 'its' : 'their'} own yet: survivors and the records referring to ${one ? 'it' : 'them'} differ until \`cutover run\` loads ${one ? 'it' : 'them'}`,
    );
  }
  if (pendingMerges > 0) {
    output.info(
      `  ${formatNumber(pendingMerges)} record${pendingMerges === 1 ? '' : 's'} merged by \`cutover dedupe\` still ${pendingMerges === 1 ? 'has its' : 'have their'} own target row: no run has applied the merges yet, so survivors and the records referring to merged ones differ until \`cutover run\` loads them`,
    );
  }
  if (totals.referencesToMerged > 0) {
    output.info(
      pendingMerges > 0
        ? `  ${formatNumber(totals.referencesToMerged)} records refer to a record merged by dedupe: compared as pointing to its survivor, as the next run loads them`
        : `  ${formatNumber(totals.referencesToMerged)} records referred to a record merged by dedupe: they point to its survivor`,
    );
  }
  const notMigrated = result.dossiers.filter(
    (d) => d.notMigrated === true && !d.ok && d.unreadable === undefined,
  );
  if (notMigrated.length > 0) {
    const ids = notMigrated.map((d) => d.id);
    output.info(
      `  never migrated (no run has loaded them; \`cutover run --dossier ID\`): ${firstOf(ids, 10)}`,
    );
  }
  for (const dossier of result.dossiers.filter((d) => d.unreadable !== undefined).slice(0, 20))
    output.info(`  ${dossier.id}: not proven, a source file cannot be read: ${dossier.unreadable}`);
  const explained = (d: Reconciliation['dossiers'][number]) =>
    d.notMigrated === true || d.unreadable !== undefined;
  for (const dossier of result.dossiers.filter((d) => !d.ok && !explained(d)).slice(0, 20)) {
    for (const unit of stopped.filter((u) => u.dossierId === dossier.id)) {
      output.info(
        `  ${dossier.id}: the last run of this dossier (${unit.runId}) stopped it at the rejected-records threshold of ${unit.entity}, so the records it had not reached, and those of the entities loaded after it, were not loaded and have no fate; fix the rejects (\`cutover ledger --dossier ${dossier.id} --fate rejected\`) and run again, or raise the threshold`,
      );
    }
    for (const entity of dossier.entities.filter((e) => !e.ok)) {
      if (entity.notInPlan === true) {
        output.info(
          `  ${dossier.id} ${entity.entity}: ${formatNumber(entity.targetRows)} target rows loaded by an earlier run of this plan, which no longer maps ${entity.entity} (delete them from the target, or map the entity again)${entity.samples.length ? ` (e.g. ${entity.samples.slice(0, 3).join(', ')})` : ''}`,
        );
        continue;
      }
      output.info(
        `  ${dossier.id} ${entity.entity}: source ${formatNumber(entity.source)}, loaded ${formatNumber(entity.loaded)}, merged ${formatNumber(entity.merged)}, skipped ${formatNumber(entity.skipped)}, rejected ${formatNumber(entity.rejected)}, unaccounted ${entity.unaccounted < 0 ? `${formatNumber(-entity.unaccounted)} (fates in the ledger for records no longer in the source)` : formatNumber(entity.unaccounted)}${entity.missingFromTarget > 0 ? ` (${formatNumber(entity.missingFromTarget)} missing from the target with no fate in the ledger)` : ''}, mismatches ${formatNumber(entity.contentMismatches)}, extra ${formatNumber(entity.extraInTarget)}, orphans ${formatNumber(entity.orphans)}${entity.mergedIntoMissing > 0 ? `, merged into a survivor without a row ${formatNumber(entity.mergedIntoMissing)}` : ''}${entity.staleMerges > 0 ? `, changed in the source or its mapping since dedupe made their golden record ${formatNumber(entity.staleMerges)} (run cutover dedupe, then cutover run)` : ''}${entity.samples.length ? ` (e.g. ${entity.samples.slice(0, 3).join(', ')})` : ''}`,
      );
    }
    const proof = dossier.accounting;
    if (proof === undefined) continue;
    if (proof.counts.inexactAmounts > 0)
      output.info(
        `  ${dossier.id}: ${formatCount(proof.counts.inexactAmounts, 'amount')} with more than 6 decimals or too large for the proof's sums (a side past 4.6 trillion in all), which it cannot add exactly: the balances are not proven`,
      );
    for (const row of proof.differences.slice(0, 10)) {
      output.info(
        `  ${dossier.id} ${row.check.replace('_', ' ')} ${row.key}: debit ${formatAmount(row.source.debit)} -> ${formatAmount(row.target.debit)}, credit ${formatAmount(row.source.credit)} -> ${formatAmount(row.target.credit)}, lines ${formatNumber(row.source.lines)} -> ${formatNumber(row.target.lines)}${row.notLoaded.lines > 0 ? ` (${formatNumber(row.notLoaded.lines)} not loaded)` : ''}`,
      );
    }
    for (const line of proof.lines.filter((l) => l.issue !== 'not_loaded').slice(0, 10)) {
      output.info(`  ${dossier.id} line ${line.sourceKey}: ${line.issue.replace('_', ' ')}`);
    }
    for (const check of proof.opening.filter((c) => !c.ok)) {
      output.info(
        `  ${dossier.id} opening ${check.fiscalYear} vs closing ${check.previousFiscalYear}: ${formatNumber(check.differences.length)} accounts differ; equity opening ${formatAmount(check.equity.opening)}, expected ${formatAmount(check.equity.expectedOpening)}`,
      );
    }
  }
  const proofs = result.dossiers.flatMap((dossier) =>
    dossier.accounting === undefined ? [] : [dossier.accounting],
  );
  if (proofs.length > 0) {
    const lines = proofs.reduce((total, proof) => total + proof.counts.targetLines, 0);
    const ok = proofs.filter((proof) => proof.ok).length;
    output.info(
      `  accounting: ${formatNumber(ok)}/${formatNumber(proofs.length)} dossiers prove trial balance, journals per month, lettering and opening balances (${formatNumber(lines)} lines)`,
    );
  }
};

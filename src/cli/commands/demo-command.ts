import { existsSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { generatePortfolio } from '../../generator/generate-portfolio.js';
import { portfolioPlan } from '../../generator/portfolio-plan.js';
import { dedupeEntity } from '../../pipeline/dedupe/dedupe-entity.js';
import { writeEvidencePacks } from '../../pipeline/evidence/write-evidence-packs.js';
import { linkClients } from '../../pipeline/link/link-clients.js';
import { reconcileInThreads } from '../reconcile-threads.js';
import { runMigration } from '../../pipeline/run/run-migration.js';
import { createOutput, formatDuration, formatNumber } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';
import {
  renderProgress,
  renderReconcileProgress,
  renderReconciliation,
  renderRunSummary,
} from '../render-run.js';
import { withSession } from '../session.js';

export interface DemoCommandOptions {
  dossiers: number;
  seed: number;
  out: string;
  json?: boolean;
}

/**
 * `cutover demo`: the whole job on the embedded default, on a machine with no database server: generate a
 * portfolio, write its plan, deduplicate the CRM's contacts, migrate it into SQLite, link clients across systems,
 * reconcile, write the evidence packs, and say where everything is.
 */
export const demoCommand = async (options: DemoCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const outDir = resolve(options.out);
  refuseUnwritablePath('--out', outDir, { kind: 'folder', createsFolders: true });
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    // Only a folder an earlier demo made is wiped: never a folder of the user's.
    if (!existsSync(join(outDir, 'manifest.json')) || !existsSync(join(outDir, 'cutover.yaml'))) {
      throw new CutoverError(
        ErrorCode.USAGE,
        `${outDir} is not empty and was not made by cutover demo; choose another --out`,
      );
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  const started = Date.now();
  output.info(`Generating ${options.dossiers} dossiers and a CRM export in ${outDir} ...`);
  const generated = await generatePortfolio({
    dossiers: options.dossiers,
    seed: options.seed,
    outDir,
    crm: true,
  });
  const planFile = join(outDir, 'cutover.yaml');
  await writeFile(planFile, portfolioPlan({ crm: true, target: { type: 'sqlite', url: 'target.db' } }));

  const evidenceDir = join(outDir, 'evidence');
  const { summary, reconciliation, packs, dedupe, link } = await withSession(
    { plan: planFile, target: true },
    async (session) => {
      // The CRM's people typed twice: merged by the run that follows, each with a golden record.
      output.progress('deduplicating contacts');
      const dedupe = await dedupeEntity({ loaded: session.loaded, state: session.state, entity: 'contact' });
      const summary = await runMigration({
        loaded: session.loaded,
        state: session.state,
        target: session.target,
        onProgress: renderProgress(output),
      });
      // One client everywhere: registry dossiers, CRM companies and third parties in the books.
      output.progress('linking clients across systems');
      const link = await linkClients({
        loaded: session.loaded,
        state: session.state,
        target: session.target!,
      });
      const reconciliation = await reconcileInThreads({
        request: { plan: planFile, state: undefined },
        session,
        onDossier: renderReconcileProgress(output),
      });
      // The proof per dossier, as a firm would hand it to an auditor.
      const packs = await writeEvidencePacks({
        loaded: session.loaded,
        state: session.state,
        reconciliation,
        out: evidenceDir,
        onPack: (done, total) => output.progress(`evidence packs ${done}/${total}`),
      });
      return { summary, reconciliation, packs, dedupe, link };
    },
  );
  renderRunSummary(output, summary);
  renderReconciliation(output, reconciliation);
  const elapsedMs = Date.now() - started;
  const outputs = {
    folder: outDir,
    plan: planFile,
    target: join(outDir, 'target.db'),
    state: join(outDir, '.cutover', 'state.db'),
    manifest: join(outDir, 'manifest.json'),
    evidence: evidenceDir,
  };
  output.info('');
  output.info(
    `Demo done in ${formatDuration(elapsedMs)}: ${summary.dossiers.total} dossiers, ${formatNumber(summary.records.read)} records, ${formatNumber(summary.recordsPerSecond)} records/s, ${reconciliation.totals.unaccounted} unaccounted.`,
  );
  output.info(
    `Deduplication: ${formatNumber(dedupe.merged)} contacts merged into their survivor (${formatNumber(dedupe.clusters)} people typed more than once), ${formatNumber(dedupe.review.total)} pairs for a person to decide.`,
  );
  output.info(
    `Links: ${formatNumber(link.linkedRecords)} records joined into ${formatNumber(link.clients)} clients (${
      Object.entries(link.crossLinks)
        .map(([systems, count]) => `${formatNumber(count)} ${systems}`)
        .join(', ') || 'none'
    }), ${formatNumber(link.review.total)} pairs for a person to decide.`,
  );
  output.info(`  plan ${outputs.plan}\n  target ${outputs.target}\n  state and ledger ${outputs.state}`);
  const sample = packs.find((pack) => pack.id !== 'crm') ?? packs[0];
  output.info(
    `  evidence packs ${outputs.evidence}/<dossier>/evidence.html (${packs.length} dossiers${sample === undefined ? '' : `, e.g. ${sample.html}`})`,
  );
  output.info(
    `  next: npx cutover ledger --plan ${outputs.plan} --fate rejected   (why each rejected record was rejected)`,
  );
  output.info(
    `        npx cutover review --plan ${outputs.plan}                  (the doubtful pairs, side by side, with why)`,
  );
  output.result({
    dossiers: { total: summary.dossiers.total, reconciled: reconciliation.totals.dossiersOk },
    records: {
      read: summary.records.read,
      loaded: summary.records.loaded,
      skipped: summary.records.skipped,
      rejected: summary.records.rejected,
      merged: summary.records.merged,
      unaccounted: reconciliation.totals.unaccounted,
    },
    dedupe: { contact: { merged: dedupe.merged, clusters: dedupe.clusters, review: dedupe.review.total } },
    link: { clients: link.clients, linkedRecords: link.linkedRecords, review: link.review.total },
    contentMismatches: reconciliation.totals.contentMismatches,
    reconciled: reconciliation.ok,
    elapsedMs,
    migrationMs: summary.elapsedMs,
    recordsPerSecond: summary.recordsPerSecond,
    generated,
    outputs,
  });
  return reconciliation.ok ? ExitCode.OK : ExitCode.NOT_RECONCILED;
};

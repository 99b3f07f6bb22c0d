import path from 'node:path';
import { ExitCode } from '../../core/exit-codes.js';
import { writeEvidencePacks } from '../../pipeline/evidence/write-evidence-packs.js';
import { createOutput } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';
import { reconcileInThreads } from '../reconcile-threads.js';
import { renderReconcileProgress } from '../render-run.js';
import { withSession } from '../session.js';

export interface EvidenceCommandOptions {
  plan: string;
  state?: string;
  dossier?: string[];
  out?: string;
  threads?: number;
  json?: boolean;
}

/**
 * `cutover evidence`: reconciles the dossiers again and writes, per dossier, `evidence.html` (for the accountant
 * or auditor) and `evidence.json` (the same facts for machines) under `--out` (default: `evidence/` beside the plan).
 */
export const evidenceCommand = async (options: EvidenceCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const written = await withSession(
    { plan: options.plan, state: options.state, target: true, readsState: true, readsTarget: true },
    async (session) => {
      const out = path.resolve(options.out ?? path.join(session.loaded.baseDir, 'evidence'));
      // Before reconciling every dossier, not after: the packs are written last.
      refuseUnwritablePath(options.out === undefined ? 'the evidence packs to' : '--out', out, {
        kind: 'folder',
        createsFolders: true,
      });
      const result = await reconcileInThreads({
        request: { plan: options.plan, state: options.state },
        session,
        dossiers: options.dossier,
        threads: options.threads,
        onDossier: renderReconcileProgress(output),
      });
      const packs = await writeEvidencePacks({
        loaded: session.loaded,
        state: session.state,
        reconciliation: result,
        out,
        onPack: (done, total) => output.progress(`evidence packs ${done}/${total}`),
      });
      return { ok: result.ok, out, dossiers: packs };
    },
  );
  output.clearProgress();
  const proven = written.dossiers.filter((dossier) => dossier.ok).length;
  output.info(
    `Evidence packs: ${written.dossiers.length} dossier${written.dossiers.length === 1 ? '' : 's'} (${proven} proven, ${written.dossiers.length - proven} with differences) in ${written.out}`,
  );
  for (const dossier of written.dossiers.filter((d) => !d.ok).slice(0, 20)) {
    output.info(`  ${dossier.id}: differences, see ${dossier.html}`);
  }
  output.result(written);
  return written.ok ? ExitCode.OK : ExitCode.NOT_RECONCILED;
};

import { ExitCode } from '../../core/exit-codes.js';
import { isEntityName, type EntityName } from '../../core/model/canonical-model.js';
import { mappedReferences } from '../../pipeline/plan/entity-order.js';
import { runMigration } from '../../pipeline/run/run-migration.js';
import { NO_DOSSIER } from '../../pipeline/run/dossier-records.js';
import { createOutput } from '../output.js';
import { renderProgress, renderRunSummary } from '../render-run.js';
import { withSession } from '../session.js';

export interface ReplayCommandOptions {
  plan: string;
  state?: string;
  json?: boolean;
}

/**
 * `cutover replay`: after the data or the plan is fixed, runs again every (dossier, entity) that has rejected
 * records, so that what now passes is loaded and leaves the ledger, and what still fails stays there.
 */
export const replayCommand = async (options: ReplayCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const result = await withSession(
    {
      plan: options.plan,
      state: options.state,
      target: true,
      readsState: true,
      amendsState: true,
      exclusive: true,
    },
    async (session) => {
      const before = await session.state.ledgerCounts();
      // A fix may be in a parent's data (the missing company added to companies.csv): parents of every unit with
      // rejects run again too. Upserts keep their ids, so children already loaded stay attached.
      const units = new Set<string>();
      const addWithParents = (dossier: string, entity: EntityName) => {
        const unit = `${dossier}/${entity}`;
        if (units.has(unit)) return;
        units.add(unit);
        for (const reference of mappedReferences(session.loaded.plan, entity))
          addWithParents(dossier, reference.parent);
      };
      for (const row of before) {
        if (row.fate !== 'rejected' || !isEntityName(row.entity)) continue;
        // A record rejected for naming no dossier may name any one once fixed, and so may one whose dossier is a
        // column of its row (the fix may be that column: the contact was typed under the wrong business unit): its
        // entity runs in every dossier. Run in its old dossier only, it left that dossier's ledger and had no fate.
        const dossierColumn = session.loaded.plan.entities[row.entity]?.dossier;
        addWithParents(
          row.dossierId === NO_DOSSIER || (dossierColumn !== undefined && 'field' in dossierColumn)
            ? '*'
            : row.dossierId,
          row.entity,
        );
      }
      // A unit that a killed replay (or run) left unfinished lost the fates of the records it had not reached yet
      // (its ledger is cleared when it begins): it may hold no reject any more, yet it must run again to give them
      // back, whatever else this replay does.
      for (const unit of (await session.target?.unfinishedLoads()) ?? [])
        if (isEntityName(unit.entity)) units.add(`${unit.dossier}/${unit.entity}`);
      const rejectedBefore = before
        .filter((row) => row.fate === 'rejected')
        .reduce((total, row) => total + row.count, 0);
      if (units.size === 0) return { summary: undefined, rejectedBefore, rejectedAfter: 0 };
      const summary = await runMigration({
        loaded: session.loaded,
        state: session.state,
        target: session.target,
        command: 'replay',
        only: units,
        onProgress: renderProgress(output),
      });
      const after = await session.state.ledgerCounts();
      const rejectedAfter = after
        .filter((row) => row.fate === 'rejected')
        .reduce((total, row) => total + row.count, 0);
      return { summary, rejectedBefore, rejectedAfter };
    },
  );
  if (result.summary === undefined) {
    output.info('Nothing to replay: the ledger holds no rejected record.');
  } else {
    renderRunSummary(output, result.summary, 'replay');
    output.info(
      `Rejected records: ${result.rejectedBefore} before the replay, ${result.rejectedAfter} after.`,
    );
  }
  output.result({
    rejectedBefore: result.rejectedBefore,
    rejectedAfter: result.rejectedAfter,
    run: result.summary,
  });
  return result.summary === undefined || result.summary.status === 'succeeded'
    ? ExitCode.OK
    : result.summary.status === 'unreadable_sources'
      ? ExitCode.INFRASTRUCTURE
      : ExitCode.THRESHOLD_CROSSED;
};

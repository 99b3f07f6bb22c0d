import { CutoverError, ErrorCode } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { entityNames, isEntityName } from '../../core/model/canonical-model.js';
import { refuseUnknownDossiers } from '../../pipeline/run/refuse-unknown-dossiers.js';
import { createOutput, formatNumber } from '../output.js';
import { withSession } from '../session.js';

export interface LedgerCommandOptions {
  plan: string;
  state?: string;
  dossier?: string;
  entity?: string;
  fate?: string;
  limit?: number;
  json?: boolean;
}

/** `cutover ledger`: the records that were not loaded as rows of their own, with their reason (or survivor) and the raw record as read. */
export const ledgerCommand = async (options: LedgerCommandOptions): Promise<number> => {
  const output = createOutput(options);
  // A misspelt filter would answer "no record" and pass for a clean ledger, as run and reconcile refuse a --dossier
  // that names no dossier.
  if (options.entity !== undefined && !isEntityName(options.entity)) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `unknown entity ${options.entity}: the entities are ${entityNames.join(', ')}`,
    );
  }
  const limit = options.limit ?? 100;
  const filter = {
    ...(options.dossier === undefined ? {} : { dossierId: options.dossier }),
    ...(options.entity === undefined ? {} : { entity: options.entity }),
    ...(options.fate === undefined ? {} : { fate: options.fate }),
  };
  const { entries, total } = await withSession(
    { plan: options.plan, state: options.state, target: false, readsState: true },
    async (session) => {
      // The dossiers the state store knows: those a run of this plan has listed.
      if (options.dossier !== undefined)
        refuseUnknownDossiers(
          [options.dossier],
          (await session.state.listDossiers()).map((dossier) => dossier.id),
        );
      return {
        entries: await session.state.ledgerEntries({ ...filter, limit }),
        total: await session.state.countLedgerEntries(filter),
      };
    },
  );
  for (const entry of entries) {
    output.info(
      `${entry.dossierId}\t${entry.entity}\t${entry.location}\t${entry.fate}\t${entry.reason ?? entry.rule ?? ''}\t${entry.message ?? (entry.survivorKey ? `merged into ${entry.survivorKey}` : '')}\n\t${entry.raw.replace(/\r?\n/g, '\\n')}`,
    );
  }
  if (entries.length === 0)
    output.info('The ledger holds no skipped, rejected or merged record for this selection.');
  // Cut at the limit without a word, 100 of a run's 113 rejects read as all of them: in the text and in the JSON.
  const limited = total > entries.length;
  // `--limit 1` shows one entry: "the first 1 of 133 entries" read wrong.
  if (limited)
    output.info(
      `${entries.length === 1 ? 'This is the first' : `These are the first ${formatNumber(entries.length)}`} of ${formatNumber(total)} entries: \`--limit N\` shows more.`,
    );
  output.result({ total, limited, entries });
  return ExitCode.OK;
};

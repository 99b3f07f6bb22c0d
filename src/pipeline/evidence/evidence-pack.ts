import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { noticeIdentity } from '../../core/record-source.js';
import type { LedgerEntry, RunRow, SourceNoticeRow, StateStore } from '../../store/state/state-store.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import type { AccountingProof } from '../reconcile/accounting-proof.js';
import type { DossierReconciliation, EntityReconciliation } from '../reconcile/reconcile.js';
import { validatedFec } from '../../connectors/files/fec-numbering.js';
import { fecGroups } from '../../connectors/files/validate-fec-files.js';
import type { FecValidationReport } from '../../domains/accounting/fec/fec-validator.js';
import type { EntityInputs } from '../run/dossier-inputs.js';
import type { EntityName } from '../../core/model/canonical-model.js';
import { formatAmount, formatCount } from './french-format.js';

/** An input of the dossier as it was when the pack was made: a file with its checksum, or a database table. */
export interface EvidenceInput {
  readonly source: string;
  readonly kind: 'file' | 'table';
  /** The plan's source type (`fec`, `csv`, `postgres`...). */
  readonly format: string;
  readonly bytes?: number;
  readonly sha256?: string;
  readonly entities: readonly string[];
}

/**
 * The proof of one dossier's migration, for an auditor: what was read (with checksums), what the reconciliation
 * found (counts per entity, trial balances side by side, differences to the line), what was rejected and why,
 * and under which plan version and run. Written as JSON (this) and as one HTML page rendered from it.
 */
export interface EvidencePack {
  readonly format: 'cutover-evidence/1';
  readonly generatedAt: string;
  readonly cutoverVersion: string;
  readonly dossier: {
    readonly id: string;
    readonly name: string | null;
    readonly attributes: Record<string, unknown>;
  };
  readonly plan: { readonly name: string; readonly file: string; readonly version: string };
  readonly run: {
    readonly id: string;
    readonly status: string;
    readonly startedAt: string;
    readonly finishedAt: string | null;
  } | null;
  readonly verdict: { readonly ok: boolean; readonly summary: string };
  readonly inputs: readonly EvidenceInput[];
  /** Each FEC input checked against the norm (`cutover fec validate`): what the legacy software wrote. */
  readonly validation: readonly FecValidationReport[];
  readonly counts: readonly EntityReconciliation[];
  readonly accounting: AccountingProof | null;
  readonly rejected: { readonly total: number; readonly listed: readonly LedgerEntry[] };
  readonly skipped: number;
  readonly notices: readonly SourceNoticeRow[];
}

/** Rejected records written in full in a pack; the total stays exact past it. */
const MAX_LISTED_REJECTS = 1000;

const sha256Of = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });

let version: Promise<string> | undefined;
/** cutover's own version, from its package.json (src/ and dist/ sit at the same depth). */
const cutoverVersion = (): Promise<string> => {
  version ??= readFile(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json'),
    'utf8',
  ).then((text) => (JSON.parse(text) as { version: string }).version);
  return version;
};

/** Every source the dossier reads, with the entities reading it; files get their size and SHA-256. */
const dossierInputs = async (
  loaded: LoadedPlan,
  planned: ReadonlyMap<EntityName, EntityInputs>,
  dossier: string,
): Promise<EvidenceInput[]> => {
  const readers = new Map<string, { kind: 'file' | 'table'; format: string; entities: string[] }>();
  for (const [entity, inputs] of planned) {
    const source = loaded.plan.entities[entity]!.source;
    const kind = 'url' in source ? 'table' : 'file';
    for (const opened of inputs.open(dossier)) {
      for (const name of opened.parts ?? [opened.name]) {
        const reader = readers.get(name) ?? { kind, format: source.type, entities: [] };
        reader.entities.push(entity);
        readers.set(name, reader);
      }
    }
  }
  const inputs: EvidenceInput[] = [];
  for (const [source, reader] of readers) {
    if (reader.kind === 'table') {
      inputs.push({ source, kind: 'table', format: reader.format, entities: reader.entities });
      continue;
    }
    const file = path.resolve(loaded.baseDir, source);
    const stats = await stat(file).catch(() => undefined);
    inputs.push({
      source,
      kind: 'file',
      format: reader.format,
      ...(stats === undefined ? {} : { bytes: stats.size, sha256: await sha256Of(file) }),
      entities: reader.entities,
    });
  }
  return inputs;
};

/** The dossier's FEC files through the validator, split parts together. */
const validateFecInputs = async (
  loaded: LoadedPlan,
  inputs: readonly EvidenceInput[],
): Promise<FecValidationReport[]> => {
  const files = inputs
    .filter((input) => input.format === 'fec' && input.sha256 !== undefined)
    .map((input) => path.resolve(loaded.baseDir, input.source));
  const reports: FecValidationReport[] = [];
  // Each FEC (all parts of a split one) was already validated when the reconciliation read it (its numbering): that
  // report is reused.
  for (const group of fecGroups(files)) reports.push(await validatedFec(...group.files));
  // Named as the plan names them (the sources table does too), not by this machine's absolute paths.
  const named = (file: string) => path.relative(loaded.baseDir, file);
  return reports.map((report) => ({
    ...report,
    files: report.files.map(named),
    findings: report.findings.map((finding) => ({ ...finding, file: named(finding.file) })),
  }));
};

const verdictOf = (
  reconciliation: DossierReconciliation,
  rejected: number,
  inputs: readonly EvidenceInput[],
): EvidencePack['verdict'] => {
  const proof = reconciliation.accounting;
  if (reconciliation.unreadable !== undefined) {
    return {
      ok: false,
      summary: `This dossier cannot be proven: a source file cannot be read (${reconciliation.unreadable}).`,
    };
  }
  if (!reconciliation.ok && reconciliation.notMigrated === true) {
    return {
      ok: false,
      summary:
        'This dossier has not been migrated: no run has loaded it, so none of its source records is accounted for.',
    };
  }
  if (!reconciliation.ok) {
    return {
      ok: false,
      summary: 'Differences found between the source and the target: see "Differences" below.',
    };
  }
  const source = reconciliation.entities.reduce((total, entity) => total + entity.source, 0);
  // Proven, as reconcile proves it, but never worded as a migration that went well: "every one of the 0 source
  // records arrived intact" was the verdict of a client whose FEC the plan's path did not match.
  if (source === 0)
    return {
      ok: true,
      summary:
        inputs.length === 0
          ? "Nothing was read for this dossier: no source of the plan's paths is there (the notices below say what its folder holds), so no record of it is accounted for."
          : 'Its sources hold no record: there is nothing to account for.',
    };
  const money =
    proof === undefined
      ? ''
      : ` The target's debits (${formatAmount(proof.totals.target.debit)} in all) equal the source's, and so do its credits (${formatAmount(proof.totals.target.credit)}), account by account.`;
  const rejects =
    rejected === 0
      ? ' No record was rejected.'
      : rejected === 1
        ? ' 1 record was rejected, listed below with its reason.'
        : ` ${formatCount(rejected)} records were rejected, each listed below with its reason.`;
  return {
    ok: true,
    summary: `Every one of the ${formatCount(source)} source records is accounted for and arrived intact.${money}${rejects}`,
  };
};

/** Gathers the evidence pack of one dossier from a fresh reconciliation, the ledger and the latest run. */
export const buildEvidencePack = async (options: {
  loaded: LoadedPlan;
  state: StateStore;
  reconciliation: DossierReconciliation;
  /** The plan's inputs (`planInputs`), resolved once for all the dossiers of a reconciliation. */
  inputs: ReadonlyMap<EntityName, EntityInputs>;
  now?: Date;
}): Promise<EvidencePack> => {
  const { loaded, state, reconciliation } = options;
  const id = reconciliation.id;
  const dossier = (await state.listDossiers()).find((candidate) => candidate.id === id);
  // Each entity's notices are those of the run that last read it, and the pack names the last run that read the
  // dossier: a replay or a `run --dossier` of other dossiers since then read none of its files.
  const lastRuns = await state.lastRunsOfDossier(id);
  const lastRunOf = new Map(lastRuns.map(({ entity, run }) => [entity, run.id]));
  const run = lastRuns.reduce<RunRow | undefined>(
    (latest, { run: candidate }) =>
      latest === undefined || candidate.startedAt > latest.startedAt ? candidate : latest,
    undefined,
  );
  const rejected = await state.ledgerEntries({ dossierId: id, fate: 'rejected', limit: MAX_LISTED_REJECTS });
  const rejectedTotal = reconciliation.entities.reduce((total, entity) => total + entity.rejected, 0);
  // Entities reading one file see its notices once each: the pack says each once.
  const seen = new Set<string>();
  // As the run said them: run by run, entities in load order (the reconciliation's), each unit's in its own order.
  // The store gives them by entity name; the sort is stable, so each unit's keep their order.
  const loadRank = new Map(reconciliation.entities.map(({ entity }, index) => [entity, index]));
  const rank = (entity: string) => loadRank.get(entity as EntityReconciliation['entity']) ?? loadRank.size;
  const stored = (await state.dossierNotices([...new Set(lastRunOf.values())], id)).sort((a, b) =>
    a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : rank(a.entity) - rank(b.entity),
  );
  const notices = stored.filter((notice) => {
    const key = noticeIdentity(notice);
    if (lastRunOf.get(notice.entity) !== notice.runId || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const inputs = await dossierInputs(loaded, options.inputs, id);
  return {
    format: 'cutover-evidence/1',
    generatedAt: (options.now ?? new Date()).toISOString(),
    cutoverVersion: await cutoverVersion(),
    dossier: { id, name: dossier?.name ?? null, attributes: dossier?.attributes ?? {} },
    plan: { name: loaded.plan.name, file: path.basename(loaded.file), version: loaded.hash },
    run:
      run === undefined
        ? null
        : { id: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt },
    verdict: verdictOf(reconciliation, rejectedTotal, inputs),
    inputs,
    validation: await validateFecInputs(loaded, inputs),
    counts: reconciliation.entities,
    accounting: reconciliation.accounting ?? null,
    rejected: { total: rejectedTotal, listed: rejected },
    skipped: reconciliation.entities.reduce((total, entity) => total + entity.skipped, 0),
    notices,
  };
};

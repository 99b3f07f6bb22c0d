import { createHash } from 'node:crypto';
import { groupBy } from '../../core/group-by.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import type { EntityName } from '../../core/model/canonical-model.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { DedupeConfig } from '../../matching/dedupe-config.js';
import { runDedupe, type DedupeResult, type DedupeStep } from '../../matching/dedupe-engine.js';
import { chooseGolden } from '../../matching/survivorship.js';
import { Workbench } from '../../matching/workbench.js';
import type { MergeDecision, ReviewPairInput, StateStore } from '../../store/state/state-store.js';
import { targetColumns } from '../../store/target/target-ddl.js';
import { compileEntityMapping } from '../map/compile-entity-mapping.js';
import { recordHash } from '../reconcile/record-hash.js';
import { sourceColumnsCheck } from '../map/source-columns-check.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { dossierIdOf, entityInputs, planInputs } from '../run/dossier-inputs.js';
import { NO_DOSSIER } from '../run/dossier-records.js';
import { planDossierIds, scanDossiers } from '../run/plan-dossiers.js';
import { readRegistry } from '../run/read-registry.js';
import { refuseUnknownDossiers } from '../run/refuse-unknown-dossiers.js';
import { refuseDuringUnfinishedRun } from './unfinished-run-guard.js';

export interface DedupeEntityOptions {
  readonly loaded: LoadedPlan;
  readonly state: StateStore;
  readonly entity: EntityName;
  /** Restrict to these dossiers; the others keep their merges and queue. */
  readonly dossiers?: readonly string[];
  /** Review pairs stored with their fields and explanation (the rest are counted). */
  readonly reviewLimit?: number;
  /** Live progress: each batch of records read, then each step of the matching engine as it starts. */
  readonly onProgress?: (progress: DedupeEntityProgress) => void;
}

export type DedupeEntityProgress =
  | {
      readonly phase: 'read';
      readonly dossier: string;
      readonly dossiersDone: number;
      readonly dossiers: number;
      readonly records: number;
    }
  | {
      readonly phase: 'match';
      readonly step: DedupeStep;
      readonly stepIndex: number;
      readonly steps: number;
      readonly records: number;
    };

export interface DedupeEntitySummary {
  readonly entity: EntityName;
  readonly records: number;
  readonly dossiers: readonly {
    id: string;
    records: number;
    clusters: number;
    merged: number;
    review: number;
  }[];
  readonly clusters: number;
  /** Records absorbed by a survivor: the `merged` fate of the next run. */
  readonly merged: number;
  readonly review: { readonly stored: number; readonly total: number; readonly decided: number };
  readonly decisionsApplied: { readonly same: number; readonly different: number };
  /** Golden values taken from the record a person chose (`cutover review golden`), over all clusters. */
  readonly valuesChosenByHand: number;
  readonly blocking: DedupeResult['blocking'];
  readonly thresholds: DedupeResult['thresholds'];
}

/** Columns of the workbench table besides the matching fields (which are named as the plan's mapped columns). */
const ROW = '_row';
const KEY = '_key';
const DOSSIER = '_dossier';
const SOURCE = '_source';
const VALUES = '_values';
const FINGERPRINT = '_fingerprint';

const asText = (value: CanonicalValue | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

const clusterIdOf = (dossier: string, entity: string, keys: readonly string[]): string =>
  createHash('sha1')
    .update([dossier, entity, ...[...keys].sort()].join('\u0000'))
    .digest('hex')
    .slice(0, 12);

/**
 * `cutover dedupe --entity`: reads the entity's source for each dossier as the plan maps it, runs the matching
 * engine on the mapped values (records of different dossiers are compared only with `acrossDossiers`), re-applies
 * the decisions people took in the review queue and the golden values they chose, turns each cluster into a golden
 * record, and stores the merges and the new queue.
 * Nothing is loaded: the next `cutover run` applies the merges.
 */
export const dedupeEntity = async (options: DedupeEntityOptions): Promise<DedupeEntitySummary> => {
  const { loaded, state, entity } = options;
  const entityPlan = loaded.plan.entities[entity];
  if (entityPlan === undefined) throw new CutoverError(ErrorCode.USAGE, `the plan has no entity ${entity}`);
  const section = entityPlan.dedupe;
  if (section === undefined) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `entity ${entity} has no dedupe section in the plan: say which mapped fields to compare (README, "Deduplication")`,
    );
  }
  if (section.acrossDossiers && options.dossiers !== undefined) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `entity ${entity} matches across dossiers (acrossDossiers): dedupe reads all its dossiers, --dossier does not apply`,
    );
  }
  await refuseDuringUnfinishedRun(state);
  const input = await entityInputs(entity, entityPlan, loaded.baseDir);
  const entityDossiers = input.dossiers ?? (await scanDossiers(input));
  if (options.dossiers !== undefined && options.dossiers.some((id) => !entityDossiers.includes(id))) {
    // A mistyped --dossier read nothing and replaced nothing, and passed for a dedupe done (exit 0, "0 records in 0
    // dossier(s)"), where run, reconcile, evidence, ledger and review refuse it. A dossier of the plan that has no
    // record of this entity is no mistake: it is deduped, with nothing to find.
    refuseUnknownDossiers(
      options.dossiers,
      await planDossierIds(
        await planInputs(loaded.plan, loaded.baseDir),
        await readRegistry(loaded.plan, loaded.baseDir),
      ),
    );
  }
  const dossiers = entityDossiers
    .filter((id) => id !== NO_DOSSIER && (options.dossiers === undefined || options.dossiers.includes(id)))
    .sort();
  const map = compileEntityMapping(entity, entityPlan);
  const checkColumns = sourceColumnsCheck(entity, entityPlan, { notices: false });
  const columns = targetColumns(entity);
  const referenceColumns = new Set(
    columns.flatMap((column) => (column.references === undefined ? [] : [column.name])),
  );
  // The golden record covers the columns the plan maps; the others are empty on every member anyway.
  const mapped = columns.flatMap((column, index) =>
    Object.hasOwn(entityPlan.fields, column.name) ? [[column.name, index] as const] : [],
  );
  const fieldColumns = [...new Set(section.fields.map((field) => field.column))];
  const fieldIndex = fieldColumns.map((name) => columns.findIndex((column) => column.name === name));

  const workbench = await Workbench.open();
  try {
    await workbench.run(
      `CREATE TABLE staged (${[ROW, KEY, DOSSIER, SOURCE, VALUES, FINGERPRINT, ...fieldColumns]
        .map((name) => `"${name}" VARCHAR`)
        .join(', ')})`,
    );
    // Row number → key and dossier, to turn the engine's rows back into source keys and decisions into rows.
    const keys: string[] = [];
    const dossierOfRow: string[] = [];
    const rowOf = new Map<string, number>();
    const perDossier = new Map<string, number>();
    for (const [done, dossier] of dossiers.entries()) {
      const seen = new Set<string>();
      const context = { dossier, occurrences: new Map<string, number>() };
      for (const source of input.open(dossier)) {
        for await (const batch of source.read({ batchSize: loaded.plan.batchSize })) {
          checkColumns.check(source, batch);
          const rows: (string | null)[][] = [];
          for (const record of batch) {
            if (input.filterField !== undefined && dossierIdOf(record.fields[input.filterField]) !== dossier)
              continue;
            const outcome = map(record, context);
            // Only records the run would load take part: skipped and rejected ones have their own fate.
            if (outcome.fate !== 'mapped') continue;
            const { sourceKey, values } = outcome.record;
            // A repeated key is rejected at load (DUPLICATE_SOURCE_KEY): only its first record is a candidate.
            if (seen.has(sourceKey)) continue;
            seen.add(sourceKey);
            const row = keys.length;
            keys.push(sourceKey);
            dossierOfRow.push(dossier);
            rowOf.set(`${dossier}\u0000${sourceKey}`, row);
            const named = Object.fromEntries(mapped.map(([name, index]) => [name, values[index] ?? null]));
            rows.push([
              String(row),
              sourceKey,
              dossier,
              record.location.source,
              JSON.stringify(named),
              // What reconcile hashes for the same record: a later change to it makes this golden record stale.
              recordHash(values),
              ...fieldIndex.map((index) => asText(values[index])),
            ]);
          }
          await workbench.appendStrings('staged', rows);
          options.onProgress?.({
            phase: 'read',
            dossier,
            dossiersDone: done,
            dossiers: dossiers.length,
            records: keys.length,
          });
        }
      }
      perDossier.set(dossier, seen.size);
    }
    await workbench.run(
      `CREATE TABLE src AS SELECT ${ROW}::INTEGER AS ${ROW}, * EXCLUDE (${ROW}) FROM staged ORDER BY ${ROW}`,
    );
    await workbench.run('DROP TABLE staged');

    const decided = await state.reviewPairs({ entity, pending: false });
    const decisions = { same: [] as [number, number][], different: [] as [number, number][] };
    for (const pair of decided) {
      const l = rowOf.get(`${pair.dossierId}\u0000${pair.leftKey}`);
      const r = rowOf.get(`${pair.rightDossierId}\u0000${pair.rightKey}`);
      if (l === undefined || r === undefined || pair.decision === null) continue;
      // A decision across dossiers was taken while the plan matched across them. Without `acrossDossiers` the
      // engine never compares such records, but a "same" is linked whatever blocking says: it would merge two
      // clients' records. It waits, kept, until the plan asks for cross-dossier matching again.
      if (!section.acrossDossiers && dossierOfRow[l] !== dossierOfRow[r]) continue;
      decisions[pair.decision].push([l, r]);
    }

    const config: DedupeConfig = {
      id: KEY,
      // Without a dossier column the engine compares records of all dossiers read.
      ...(section.acrossDossiers ? {} : { dossier: DOSSIER }),
      fields: section.fields,
      blocking: section.blocking,
      thresholds: section.thresholds,
      blockCap: section.blockCap,
      phoneRegion: section.phoneRegion,
    };
    const result =
      keys.length === 0
        ? undefined
        : await runDedupe(workbench, config, {
            reviewLimit: options.reviewLimit ?? 10_000,
            decisions,
            onStep: (step, stepIndex, steps) =>
              options.onProgress?.({ phase: 'match', step, stepIndex, steps, records: keys.length }),
          });

    // Members' mapped values, read back for the clusters only: the others never leave the workbench.
    const memberRows = (result?.clusters ?? []).flatMap((cluster) =>
      cluster.members.map((member) => member.row),
    );
    await workbench.run('CREATE TEMP TABLE members (row VARCHAR)');
    await workbench.appendStrings(
      'members',
      memberRows.map((row) => [String(row)]),
    );
    const memberValues = new Map(
      (
        await workbench.rows<{ row: number; source: string; values: string; fingerprint: string }>(
          `SELECT s.${ROW} AS row, s.${SOURCE} AS source, s.${VALUES} AS values, s.${FINGERPRINT} AS fingerprint
           FROM src s JOIN members m ON s.${ROW} = m.row::INTEGER`,
        )
      ).map((row) => [Number(row.row), row]),
    );

    // People's golden-value choices, by record, with their rank (0 = newest): the newest choice of a column among
    // a cluster's members wins.
    const choicesOf = groupBy(
      (await state.goldenChoices({ entity })).map((choice, rank) => ({ ...choice, rank })),
      (choice) => `${choice.dossierId}\u0000${choice.chosenKey}`,
    );
    let valuesChosenByHand = 0;

    const mergesOf = new Map<
      string,
      (Pick<MergeDecision, 'clusterId' | 'survivorKey' | 'absorbedKey' | 'golden'> & {
        survivorDossierId: string;
      })[]
    >();
    const clustersOf = new Map<string, number>();
    for (const cluster of result?.clusters ?? []) {
      const members = cluster.members.map((member) => {
        const stored = memberValues.get(member.row);
        return {
          dossier: dossierOfRow[member.row] ?? '',
          key: keys[member.row] ?? member.id,
          source: stored?.source ?? '',
          order: member.row,
          values: (stored === undefined ? {} : JSON.parse(stored.values)) as Record<string, CanonicalValue>,
          fingerprint: stored?.fingerprint ?? '',
        };
      });
      // The survivor stays in the cluster's first dossier: runs load dossiers in id order, so its row exists
      // when the records of later dossiers are merged into it.
      const firstDossier = members.map((member) => member.dossier).sort()[0] ?? '';
      const spans = members.some((member) => member.dossier !== firstDossier);
      // Across dossiers a source key alone is ambiguous: candidates (and so origins) are named dossier/key.
      const nameOf = (dossier: string, key: string) => (spans ? `${dossier}/${key}` : key);
      const candidates = members.map((member) => ({ ...member, key: nameOf(member.dossier, member.key) }));
      const memberOf = new Map(candidates.map((candidate, index) => [candidate.key, members[index]!]));
      const chosen = members
        .flatMap((member) =>
          (choicesOf.get(`${member.dossier}\u0000${member.key}`) ?? []).map((choice) => ({
            ...choice,
            name: nameOf(member.dossier, member.key),
          })),
        )
        .sort((a, b) => a.rank - b.rank);
      const byHand = new Map<string, string>();
      for (const choice of chosen) if (!byHand.has(choice.column)) byHand.set(choice.column, choice.name);
      const inFirstDossier = (candidate: { key: string }) =>
        memberOf.get(candidate.key)?.dossier === firstDossier;
      const golden = chooseGolden(candidates, section.survivorship, {
        byHand,
        maySurvive: inFirstDossier,
        // A reference holds a parent's source key, which the load looks up in the survivor's dossier: taken from a
        // member of another dossier (its own company C1), it would attach the survivor to that dossier's C1, another
        // client's company, and reconcile (comparing keys) would not see it.
        mayGive: (candidate, column) => !referenceColumns.has(column) || inFirstDossier(candidate),
      });
      valuesChosenByHand += golden.chosenByHand.length;
      const fingerprints = Object.fromEntries(
        members.map((member) => [`${member.dossier}/${member.key}`, member.fingerprint]),
      );
      const survivor = memberOf.get(golden.survivorKey)!;
      const clusterId = clusterIdOf(
        firstDossier,
        entity,
        candidates.map((candidate) => candidate.key),
      );
      for (const candidate of candidates) {
        if (candidate.key === golden.survivorKey) continue;
        const absorbed = memberOf.get(candidate.key)!;
        const list = mergesOf.get(absorbed.dossier) ?? [];
        list.push({
          clusterId,
          survivorKey: survivor.key,
          survivorDossierId: survivor.dossier,
          absorbedKey: absorbed.key,
          golden: {
            values: golden.values,
            origins: golden.origins,
            ...(golden.chosenByHand.length === 0 ? {} : { chosenByHand: golden.chosenByHand }),
            fingerprints,
          },
        });
        mergesOf.set(absorbed.dossier, list);
      }
      clustersOf.set(firstDossier, (clustersOf.get(firstDossier) ?? 0) + 1);
    }

    const reviewOf = new Map<string, ReviewPairInput[]>();
    for (const pair of result?.review.pairs ?? []) {
      const dossier = dossierOfRow[pair.l.row] ?? '';
      const rightDossier = dossierOfRow[pair.r.row] ?? '';
      const list = reviewOf.get(dossier) ?? [];
      list.push({
        dossierId: dossier,
        ...(rightDossier === dossier ? {} : { rightDossierId: rightDossier }),
        entity,
        leftKey: keys[pair.l.row] ?? pair.l.id,
        rightKey: keys[pair.r.row] ?? pair.r.id,
        fields: pair.fields,
        probability: pair.explanation.probability,
        explanation: pair.explanation,
        reason: pair.reason,
      });
      reviewOf.set(dossier, list);
    }

    // Every dossier read is replaced, also those without clusters now: their earlier merges no longer hold.
    for (const dossier of dossiers) {
      await state.replaceMerges(dossier, entity, mergesOf.get(dossier) ?? []);
      await state.replaceReviewPairs(dossier, entity, reviewOf.get(dossier) ?? []);
    }

    const summaries = dossiers.map((id) => ({
      id,
      records: perDossier.get(id) ?? 0,
      clusters: clustersOf.get(id) ?? 0,
      merged: mergesOf.get(id)?.length ?? 0,
      review: reviewOf.get(id)?.length ?? 0,
    }));
    return {
      entity,
      records: keys.length,
      dossiers: summaries,
      clusters: result?.clusters.length ?? 0,
      merged: summaries.reduce((total, dossier) => total + dossier.merged, 0),
      review: {
        stored: result?.review.pairs.length ?? 0,
        total: result?.review.total ?? 0,
        decided: decided.filter(
          (pair) => options.dossiers === undefined || options.dossiers.includes(pair.dossierId),
        ).length,
      },
      decisionsApplied: { same: decisions.same.length, different: decisions.different.length },
      valuesChosenByHand,
      blocking: result?.blocking ?? { rules: [], candidatePairs: 0 },
      thresholds: section.thresholds,
    };
  } finally {
    workbench.close();
  }
};

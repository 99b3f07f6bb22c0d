import { refuseUnknownDossiers } from '../../pipeline/run/refuse-unknown-dossiers.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { isEntityName } from '../../core/model/canonical-model.js';
import type { MergeDecision } from '../../store/state/state-store.js';
import { targetColumns } from '../../store/target/target-ddl.js';
import { createOutput, formatCount, formatNumber } from '../output.js';
import { withSession } from '../session.js';
import { cellText, sideBySide } from '../side-by-side.js';

export interface ReviewGoldenOptions {
  plan: string;
  state?: string;
  json?: boolean;
  entity?: string;
  dossier?: string;
  record?: string;
  field?: string;
  limit: number;
}

interface ClusterView {
  clusterId: string;
  entity: string;
  survivorDossierId: string;
  survivorKey: string;
  /** Absorbed records, named `dossier/key` when in another dossier than the survivor (`acrossDossiers`). */
  absorbedKeys: string[];
  members: { dossierId: string; key: string }[];
  golden: MergeDecision['golden'];
}

const clustersOf = (merges: readonly MergeDecision[]): ClusterView[] => {
  const byId = new Map<string, ClusterView>();
  for (const merge of merges) {
    const view = byId.get(merge.clusterId) ?? {
      clusterId: merge.clusterId,
      entity: merge.entity,
      survivorDossierId: merge.survivorDossierId,
      survivorKey: merge.survivorKey,
      absorbedKeys: [],
      members: [{ dossierId: merge.survivorDossierId, key: merge.survivorKey }],
      golden: merge.golden,
    };
    view.absorbedKeys.push(
      merge.dossierId === merge.survivorDossierId
        ? merge.absorbedKey
        : `${merge.dossierId}/${merge.absorbedKey}`,
    );
    view.members.push({ dossierId: merge.dossierId, key: merge.absorbedKey });
    byId.set(merge.clusterId, view);
  }
  return [...byId.values()];
};

/**
 * `cutover review golden`: the golden records of the active clusters, each value with the record it came from
 * (and `by hand` where a person chose it); with `--record K --field F`, the golden record of K's cluster takes
 * K's value of F from the next `cutover dedupe` on, whatever the survivorship rule says.
 */
export const reviewGoldenCommand = async (options: ReviewGoldenOptions): Promise<number> => {
  const output = createOutput(options);
  if (options.entity !== undefined && !isEntityName(options.entity))
    throw new CutoverError(ErrorCode.USAGE, `unknown entity ${options.entity}`);
  const choosing = options.record !== undefined || options.field !== undefined;

  return withSession(
    { plan: options.plan, state: options.state, target: false, readsState: true, amendsState: choosing },
    async (session) => {
      const all = clustersOf(
        await session.state.merges({
          active: true,
          ...(options.entity === undefined ? {} : { entity: options.entity }),
        }),
      );
      if (options.dossier !== undefined) {
        // Known: the dossiers a run listed and those of the merges (dedupe runs before the first migration).
        const known = new Set((await session.state.listDossiers()).map((dossier) => dossier.id));
        for (const cluster of all) for (const member of cluster.members) known.add(member.dossierId);
        refuseUnknownDossiers([options.dossier], [...known].sort());
      }
      const clusters =
        options.dossier === undefined
          ? all
          : all.filter((cluster) => cluster.members.some((member) => member.dossierId === options.dossier));

      if (choosing) {
        const entity = options.entity;
        const [record, field] = [options.record, options.field];
        if (entity === undefined || !isEntityName(entity) || record === undefined || field === undefined)
          throw new CutoverError(
            ErrorCode.USAGE,
            'choosing a golden value needs --entity, --record and --field',
          );
        const entityPlan = session.loaded.plan.entities[entity];
        if (entityPlan?.dedupe === undefined)
          throw new CutoverError(ErrorCode.USAGE, `entity ${entity} has no dedupe section in the plan`);
        if (!Object.hasOwn(entityPlan.fields, field)) {
          throw new CutoverError(
            ErrorCode.USAGE,
            `--field ${field} is not a column the plan maps for ${entity}: ${Object.keys(entityPlan.fields).join(', ')}`,
          );
        }
        const holding = clusters.flatMap((cluster) =>
          cluster.members
            .filter(
              (member) =>
                member.key === record &&
                (options.dossier === undefined || member.dossierId === options.dossier),
            )
            .map((member) => ({ cluster, dossierId: member.dossierId })),
        );
        if (holding.length === 0)
          throw new CutoverError(
            ErrorCode.USAGE,
            `record ${record} is in no active ${entity} cluster${options.dossier === undefined ? '' : ` of dossier ${options.dossier}`}: see \`cutover review golden\``,
          );
        if (holding.length > 1)
          throw new CutoverError(
            ErrorCode.USAGE,
            `record ${record} is in clusters of several dossiers (${holding.map((found) => found.dossierId).join(', ')}): add --dossier`,
          );
        const { cluster, dossierId } = holding[0]!;
        // A reference names a parent by its key in the survivor's dossier, where the run looks it up: another
        // dossier's member's key names another client's parent, which dedupe never takes (it was stored, then not
        // applied, with a message saying it would be).
        const referenced = targetColumns(entity).find((column) => column.name === field)?.references;
        if (referenced !== undefined && dossierId !== cluster.survivorDossierId)
          throw new CutoverError(
            ErrorCode.USAGE,
            `--field ${field} references a ${referenced}: its value is a ${referenced} of the record's own dossier (${dossierId}), not of the survivor's (${cluster.survivorDossierId}), so the golden record takes it only from a record of ${cluster.survivorDossierId}`,
          );
        await session.state.chooseGoldenValue({ dossierId, entity, column: field, chosenKey: record });
        output.info(
          `cluster ${cluster.clusterId} (${cluster.survivorDossierId}): ${field} will be ${dossierId === cluster.survivorDossierId ? record : `${dossierId}/${record}`}'s value. The next \`cutover dedupe --entity ${entity}\` applies it.`,
        );
        output.result({ clusterId: cluster.clusterId, dossierId, entity, field, record });
        return ExitCode.OK;
      }

      const shown = clusters.slice(0, options.limit);
      output.info(
        `${formatCount(clusters.length, 'cluster')}${shown.length < clusters.length ? `, first ${formatNumber(shown.length)}` : ''}`,
      );
      for (const cluster of shown) {
        output.info('');
        output.info(
          `cluster ${cluster.clusterId}  ${cluster.survivorDossierId} ${cluster.entity}  survivor ${cluster.survivorKey}  absorbs ${cluster.absorbedKeys.join(', ')}`,
        );
        const hand = new Set(cluster.golden.chosenByHand ?? []);
        const rows = Object.keys(cluster.golden.values).map((column) => ({
          name: column,
          value: cellText(cluster.golden.values[column]),
          after: `from ${cluster.golden.origins[column] ?? ''}${hand.has(column) ? ' (by hand)' : ''}`,
        }));
        for (const line of sideBySide(rows)) output.info(line);
      }
      if (shown.length > 0)
        output.info('\nChoose a value with `cutover review golden --entity E --record KEY --field COLUMN`.');
      output.result({ total: clusters.length, clusters: shown });
      return ExitCode.OK;
    },
  );
};

import { groupBy } from '../../core/group-by.js';
import type { PairwiseCounts } from '../../matching/evaluate.js';
import type { LinkMember } from '../../store/state/link-members.js';

/** The truth of one client: the records that are this legal entity (as `manifest.json` lists them). */
export interface TruthGroup {
  readonly client: string;
  readonly members: readonly { readonly entity: string; readonly dossier: string; readonly key: string }[];
}

export interface LinkEvaluation extends PairwiseCounts {
  /** Records of the truth that the link did not read (not migrated, or rejected at load): left out of `actual`. */
  readonly truthNotRead: number;
  /** Pending review pairs, and how many of them are true pairs not linked yet. */
  readonly review: { readonly pending: number; readonly true: number };
  /**
   * Recall if every pending pair were decided right: (true pairs linked + true pairs in review) / true pairs.
   * An upper bound of what the queue brings (a decision can also join groups transitively), for reading the
   * automatic figure beside it.
   */
  readonly recallWithReview: number;
  /** The same per pair of entities (`company-dossier`, `dossier-third_party`...): where links are found, where not. */
  readonly bySystems: Readonly<Record<string, PairwiseCounts>>;
}

/** A pending review pair, by the member references `cutover link` gives it (`entity:dossier:key`). */
export interface ReviewedPair {
  readonly leftKey: string;
  readonly rightKey: string;
}

const recordKey = (entity: string, dossier: string, key: string) => `${entity}\u0000${dossier}\u0000${key}`;
const pairsIn = (n: number) => (n * (n - 1)) / 2;

/** Pairs of records of two different entities in one group: n(n-1)/2 less those inside each entity. */
const crossPairs = (entities: readonly string[]): number => {
  const sizes = new Map<string, number>();
  for (const entity of entities) sizes.set(entity, (sizes.get(entity) ?? 0) + 1);
  let inside = 0;
  for (const size of sizes.values()) inside += pairsIn(size);
  return pairsIn(entities.length) - inside;
};

/** Cross pairs of a group per pair of entities, sorted names joined by `-`. */
const crossPairsByEntities = (entities: readonly string[], into: Map<string, number>): void => {
  const sizes = new Map<string, number>();
  for (const entity of entities) sizes.set(entity, (sizes.get(entity) ?? 0) + 1);
  const names = [...sizes.keys()].sort();
  names.forEach((a, index) => {
    for (const b of names.slice(index + 1)) {
      into.set(`${a}-${b}`, (into.get(`${a}-${b}`) ?? 0) + (sizes.get(a) ?? 0) * (sizes.get(b) ?? 0));
    }
  });
};

/**
 * Pairwise precision and recall of the stored link groups against the truth, counting only pairs across
 * systems (a registry dossier and a CRM company, a CRM company and a third party...): pairs inside one system
 * are deduplication's to find, and `link` never compares them. A record absent from the truth is a company of
 * its own.
 */
export const evaluateLinks = (
  members: readonly LinkMember[],
  truth: readonly TruthGroup[],
  pending: readonly ReviewedPair[] = [],
): LinkEvaluation => {
  const truthOf = new Map<string, string>();
  for (const group of truth) {
    for (const member of group.members)
      truthOf.set(recordKey(member.entity, member.dossier, member.key), group.client);
  }
  const read = new Set(members.map((member) => recordKey(member.entity, member.dossierId, member.sourceKey)));
  let truthNotRead = 0;
  for (const key of truthOf.keys()) if (!read.has(key)) truthNotRead++;

  const sum = (groups: Map<string, LinkMember[]>) =>
    [...groups.values()].reduce(
      (total, group) => total + crossPairs(group.map((member) => member.entity)),
      0,
    );
  const truthKey = (member: LinkMember) =>
    truthOf.get(recordKey(member.entity, member.dossierId, member.sourceKey));
  const predicted = sum(groupBy(members, (member) => member.clientId));
  const actual = sum(groupBy(members, truthKey));
  const truePositives = sum(
    groupBy(members, (member) => {
      const entity = truthKey(member);
      return entity === undefined ? undefined : `${member.clientId}\u0000${entity}`;
    }),
  );
  const precision = predicted === 0 ? 1 : truePositives / predicted;
  const recall = actual === 0 ? 1 : truePositives / actual;
  const split = (groups: Map<string, LinkMember[]>) => {
    const counts = new Map<string, number>();
    for (const group of groups.values())
      crossPairsByEntities(
        group.map((member) => member.entity),
        counts,
      );
    return counts;
  };
  const [predictedBy, actualBy, trueBy] = [
    split(groupBy(members, (member) => member.clientId)),
    split(groupBy(members, truthKey)),
    split(
      groupBy(members, (member) => {
        const entity = truthKey(member);
        return entity === undefined ? undefined : `${member.clientId}\u0000${entity}`;
      }),
    ),
  ];
  const bySystems: Record<string, PairwiseCounts> = {};
  for (const key of [...new Set([...predictedBy.keys(), ...actualBy.keys()])].sort()) {
    const [tp, p, a] = [trueBy.get(key) ?? 0, predictedBy.get(key) ?? 0, actualBy.get(key) ?? 0];
    const [pr, re] = [p === 0 ? 1 : tp / p, a === 0 ? 1 : tp / a];
    bySystems[key] = {
      precision: pr,
      recall: re,
      f1: pr + re === 0 ? 0 : (2 * pr * re) / (pr + re),
      truePositives: tp,
      predicted: p,
      actual: a,
    };
  }
  const clientOf = new Map(
    members.map((member) => [`${member.entity}:${member.dossierId}:${member.sourceKey}`, member.clientId]),
  );
  const truthOfRef = (ref: string) => {
    const [entity = '', dossier = '', ...key] = ref.split(':');
    return { entity, client: truthOf.get(recordKey(entity, dossier, key.join(':'))) };
  };
  const trueInReview = pending.filter((pair) => {
    const [left, right] = [truthOfRef(pair.leftKey), truthOfRef(pair.rightKey)];
    return (
      left.client !== undefined &&
      left.client === right.client &&
      left.entity !== right.entity &&
      clientOf.get(pair.leftKey) !== clientOf.get(pair.rightKey)
    );
  }).length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    precision,
    recall,
    f1,
    truePositives,
    predicted,
    actual,
    truthNotRead,
    review: { pending: pending.length, true: trueInReview },
    recallWithReview: actual === 0 ? 1 : Math.min(1, (truePositives + trueInReview) / actual),
    bySystems,
  };
};

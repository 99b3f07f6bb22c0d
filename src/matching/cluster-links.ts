import { groupBy } from '../core/group-by.js';
/**
 * Clusters from links, best first, with two checks that stop a chain of links from gluing unrelated records
 * (A~B and B~C does not make A and C the same when A and C visibly differ):
 * - strong identifiers: two clusters whose members carry different values of a strong identifier (SIREN) are
 *   never joined automatically;
 * - negative evidence: two clusters are not joined when a pair across them was scored and found to be different
 *   (its Bayes factor is below 1: the fields say "not the same" more than "the same").
 * A link refused by a check is reported with its reason, so that it can go to review instead of vanishing.
 * A person's "same" is the exception: it was decided with both records and their reason in view (a CRM row
 * carrying another company's SIREN), so it joins them whatever their identifiers. Their cluster then carries both
 * values, and no automatic link joins it to a cluster carrying other values than exactly these: the decision
 * links the pair, it does not make the two SIRENs one for every other record.
 */
export interface Link {
  l: number;
  r: number;
  weight: number;
  /** Linked by an equal strong identifier: joined first, whatever the other fields say. */
  forced: boolean;
  /** A person's "same": joined first, whatever the strong identifiers say. */
  decided?: boolean;
}

export const RefusalReason = {
  strongIdentifier: 'strong-identifier-differs',
  negativeEvidence: 'scored-different-across-clusters',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

export interface RefusedLink {
  link: Link;
  reason: RefusalReason;
  /** The strong identifier, or the pair across the clusters that was scored as different. */
  detail: string;
}

export interface Clustering {
  /** Cluster number of each record (0..n-1); a record alone is a cluster of one. */
  clusterOf: Int32Array;
  clusterCount: number;
  accepted: Link[];
  refused: RefusedLink[];
}

export interface ClusteringInput {
  records: number;
  links: Link[];
  /** Per strong identifier: its name and each record's value (null when missing). */
  strongIdentifiers: { name: string; values: readonly (string | null)[] }[];
  /** Scored pairs found to be different: [l, r] pairs. */
  cannotLink: readonly (readonly [number, number])[];
}

export const clusterLinks = (input: ClusteringInput): Clustering => {
  const { records } = input;
  const parent = new Int32Array(records);
  for (let i = 0; i < records; i++) parent[i] = i;
  const members = new Map<number, number[]>();
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root] ?? root;
    let node = x;
    while (parent[node] !== root) {
      const next = parent[node] ?? root;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  const membersOf = (root: number): number[] => members.get(root) ?? [root];
  // The values of each strong identifier in each cluster, by root: one, but for a person's "same" across values.
  const strong = input.strongIdentifiers.map(() => new Map<number, Set<string>>());
  input.strongIdentifiers.forEach(({ values }, s) => {
    values.forEach((value, record) => {
      if (value !== null) strong[s]?.set(record, new Set([value]));
    });
  });
  const cannot = groupBy(
    input.cannotLink.flatMap(([l, r]): (readonly [number, number])[] => [
      [l, r],
      [r, l],
    ]),
    ([record]) => record,
    ([, other]) => other,
  );

  const accepted: Link[] = [];
  const refused: RefusedLink[] = [];
  const ordered = [...input.links].sort(
    (a, b) =>
      Number(b.decided ?? false) - Number(a.decided ?? false) ||
      Number(b.forced) - Number(a.forced) ||
      b.weight - a.weight,
  );
  for (const link of ordered) {
    let a = find(link.l);
    let b = find(link.r);
    if (a === b) continue;
    const conflict =
      link.decided === true
        ? null
        : (strongConflict(input, strong, a, b) ??
          (link.forced ? null : negativeEvidence(membersOf, cannot, find, a, b)));
    if (conflict) {
      refused.push({ link, ...conflict });
      continue;
    }
    if (membersOf(a).length < membersOf(b).length) [a, b] = [b, a];
    parent[b] = a;
    const joined = membersOf(a);
    for (const member of membersOf(b)) joined.push(member);
    members.set(a, joined);
    members.delete(b);
    strong.forEach((values) => {
      const joinedValues = values.get(b);
      if (joinedValues === undefined) return;
      const kept = values.get(a);
      if (kept === undefined) values.set(a, joinedValues);
      else for (const value of joinedValues) kept.add(value);
      values.delete(b);
    });
    accepted.push(link);
  }

  const clusterOf = new Int32Array(records);
  const numbers = new Map<number, number>();
  for (let i = 0; i < records; i++) {
    const root = find(i);
    let number = numbers.get(root);
    if (number === undefined) {
      number = numbers.size;
      numbers.set(root, number);
    }
    clusterOf[i] = number;
  }
  return { clusterOf, clusterCount: numbers.size, accepted, refused };
};

/** Two clusters that both carry values of a strong identifier, and not the same ones. */
const strongConflict = (
  input: ClusteringInput,
  strong: Map<number, Set<string>>[],
  a: number,
  b: number,
): Omit<RefusedLink, 'link'> | null => {
  for (const [s, values] of strong.entries()) {
    const left = values.get(a);
    const right = values.get(b);
    if (left !== undefined && right !== undefined && !sameValues(left, right)) {
      return {
        reason: RefusalReason.strongIdentifier,
        detail: `${input.strongIdentifiers[s]?.name ?? 'strong identifier'}: ${[...left].join(' / ')} ≠ ${[...right].join(' / ')}`,
      };
    }
  }
  return null;
};

const sameValues = (left: ReadonlySet<string>, right: ReadonlySet<string>): boolean =>
  left.size === right.size && [...left].every((value) => right.has(value));

const negativeEvidence = (
  membersOf: (root: number) => number[],
  cannot: Map<number, number[]>,
  find: (x: number) => number,
  a: number,
  b: number,
): Omit<RefusedLink, 'link'> | null => {
  const [small, large] = membersOf(a).length <= membersOf(b).length ? [a, b] : [b, a];
  for (const member of membersOf(small)) {
    for (const other of cannot.get(member) ?? []) {
      if (find(other) === large) {
        return {
          reason: RefusalReason.negativeEvidence,
          detail: `records ${member} and ${other} scored as different`,
        };
      }
    }
  }
  return null;
};

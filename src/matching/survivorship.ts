import type { Survivorship, SurvivorshipRule } from '../core/plan/dedupe-plan-schema.js';
import type { CanonicalValue } from '../core/model/canonical-value.js';

/** A member of a cluster as survivorship sees it: its mapped values and where it was read. */
export interface SurvivorCandidate {
  readonly key: string;
  /** The source file (or table) it was read from, for `source_priority`. */
  readonly source: string;
  /** Its position in the source order: the last tie-break, so that the same input gives the same golden record. */
  readonly order: number;
  readonly values: Readonly<Record<string, CanonicalValue>>;
}

export interface GoldenChoice {
  /** The member whose source key the loaded row keeps; the others are absorbed (ledger fate `merged`). */
  readonly survivorKey: string;
  readonly values: Record<string, CanonicalValue>;
  /** Per column, the key of the member its value came from. */
  readonly origins: Record<string, string>;
  /** Columns whose value a person chose, sorted. */
  readonly chosenByHand: string[];
}

const isEmpty = (value: CanonicalValue | undefined): boolean =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '');

const filled = (candidate: SurvivorCandidate): number =>
  Object.values(candidate.values).filter((value) => !isEmpty(value)).length;

/** Where a source stands in the priority list: exact name or a path ending in it; unlisted sources come last. */
const priorityOf = (priority: readonly string[], source: string): number => {
  const index = priority.findIndex((name) => source === name || source.endsWith(`/${name}`));
  return index === -1 ? priority.length : index;
};

/** Members in the order a rule prefers them, best first. */
const ranked = (
  members: readonly SurvivorCandidate[],
  rule: SurvivorshipRule,
  survivorship: Survivorship,
): SurvivorCandidate[] => {
  const score = (candidate: SurvivorCandidate): number | string => {
    switch (rule) {
      case 'most_complete':
        return -filled(candidate);
      case 'source_priority':
        return priorityOf(survivorship.priority ?? [], candidate.source);
      case 'most_recent': {
        const value = candidate.values[survivorship.date ?? ''];
        // ISO dates and date-times sort as text; a record without a date is the least recent.
        return isEmpty(value) ? '' : String(value);
      }
    }
  };
  const descending = rule === 'most_recent';
  return [...members].sort((a, b) => {
    const [x, y] = [score(a), score(b)];
    if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    return a.order - b.order;
  });
};

/**
 * The golden record of a cluster, field by field: the survivor is the member the plan's rule prefers; each column
 * takes its value from the first member, in the order its rule (the column's own, or the plan's) prefers, that has
 * one, so an empty survivor field is filled from another member, and the origin of every value is kept. A column
 * a person chose (`byHand`: column → member key, ignored when that key is not a member) takes that member's value
 * as it is, even empty: a person may choose to drop a wrong value.
 */
export const chooseGolden = (
  members: readonly SurvivorCandidate[],
  survivorship: Survivorship,
  options: {
    readonly byHand?: ReadonlyMap<string, string>;
    /** Only these members may survive (the first dossier of a cluster across dossiers); all give values. */
    readonly maySurvive?: (member: SurvivorCandidate) => boolean;
    /**
     * Whether a member may give its value of a column, by rule or by hand (a reference across dossiers names a
     * parent of its own dossier, which the survivor's cannot look up); by default every member may.
     */
    readonly mayGive?: (member: SurvivorCandidate, column: string) => boolean;
  } = {},
): GoldenChoice => {
  const byHand = options.byHand ?? new Map<string, string>();
  const maySurvive = options.maySurvive ?? (() => true);
  const mayGive = options.mayGive ?? (() => true);
  const byRule = new Map<SurvivorshipRule, SurvivorCandidate[]>();
  const order = (rule: SurvivorshipRule) => {
    let list = byRule.get(rule);
    if (list === undefined) {
      list = ranked(members, rule, survivorship);
      byRule.set(rule, list);
    }
    return list;
  };
  const survivor = order(survivorship.rule).find(maySurvive);
  if (survivor === undefined) throw new Error('survivorship needs at least one member that may survive');
  const columns = new Set(members.flatMap((member) => Object.keys(member.values)));
  const values: Record<string, CanonicalValue> = {};
  const origins: Record<string, string> = {};
  const chosenByHand: string[] = [];
  for (const column of columns) {
    const chosen = members.find((member) => member.key === byHand.get(column));
    if (chosen !== undefined && mayGive(chosen, column)) {
      values[column] = chosen.values[column] ?? null;
      origins[column] = chosen.key;
      chosenByHand.push(column);
      continue;
    }
    const rule = survivorship.fields[column] ?? survivorship.rule;
    const source =
      order(rule).find((member) => !isEmpty(member.values[column]) && mayGive(member, column)) ?? survivor;
    values[column] = source.values[column] ?? null;
    origins[column] = source.key;
  }
  return { survivorKey: survivor.key, values, origins, chosenByHand: chosenByHand.sort() };
};

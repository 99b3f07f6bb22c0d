import { FieldKind, type DedupeConfig, type FieldConfig } from './dedupe-config.js';
import { isStrong, usesTermFrequency } from './prepare-records.js';

export interface ComparisonLevel {
  label: string;
  /** SQL condition over aliases `l` and `r` of table `rec`; checked in order, the first true wins. */
  sql: string;
}

/**
 * One comparison per field: ordered agreement levels, best first, then an implicit "different" level and a null
 * level (either value missing: weight 0, missing data is no evidence). Level numbers: 0 is the best, the last is
 * "different", -1 is null.
 */
export interface Comparison {
  field: string;
  kind: FieldConfig['kind'];
  index: number;
  levels: ComparisonLevel[];
  /**
   * The level whose weight uses the share of records holding the value instead of the average u (exact
   * agreement on a name: sharing "Martin" is weaker evidence than sharing "Vercingétorix"), or null.
   */
  termFrequencyLevel: number | null;
  strong: boolean;
  /** Extra null condition (dates compare `v` but a level needs `d`). */
  value: string;
}

const jw = (a: string, b: string) => `jaro_winkler_similarity(${a}, ${b})`;
// Levenshtein, not Damerau-Levenshtein: DuckDB's damerau_levenshtein runs 6 times slower, and a transposition
// (two edits for Levenshtein) still lands in the Jaro-Winkler levels below. The length test skips most pairs.
const dl = (a: string, b: string, edits = 1) =>
  `(abs(length(${a}) - length(${b})) <= ${edits} AND levenshtein(${a}, ${b}) <= ${edits})`;

const levelsFor = (config: DedupeConfig, field: FieldConfig, i: number): ComparisonLevel[] => {
  const [l, r] = [`l.v${i}`, `r.v${i}`];
  const exact = { label: 'exact', sql: `${l} = ${r}` };
  switch (field.kind) {
    case FieldKind.firstName:
    case FieldKind.lastName: {
      // First and last names typed in each other's column are one of the commonest errors in person files.
      const other = config.fields.findIndex((candidate) =>
        field.kind === FieldKind.firstName
          ? candidate.kind === FieldKind.lastName
          : candidate.kind === FieldKind.firstName,
      );
      const swapped =
        other >= 0
          ? [
              {
                label: 'swapped with the other name',
                sql: `${l} = r.v${other} AND r.${`v${i}`} = l.v${other}`,
              },
            ]
          : [];
      return [
        exact,
        ...swapped,
        { label: 'one edit (Levenshtein ≤ 1)', sql: dl(l, r) },
        { label: 'Jaro-Winkler ≥ 0.9', sql: `${jw(l, r)} >= 0.9` },
        { label: 'Jaro-Winkler ≥ 0.8', sql: `${jw(l, r)} >= 0.8` },
      ];
    }
    case FieldKind.name:
    case FieldKind.city:
      return [
        exact,
        { label: 'Jaro-Winkler ≥ 0.95', sql: `${jw(l, r)} >= 0.95` },
        { label: 'Jaro-Winkler ≥ 0.88', sql: `${jw(l, r)} >= 0.88` },
        { label: 'Jaro-Winkler ≥ 0.7', sql: `${jw(l, r)} >= 0.7` },
      ];
    case FieldKind.address: {
      // "42 avenue de la Gare" and "73 avenue de la Gare" are close strings and different homes: the fuzzy
      // levels require the same house number (or none on both sides).
      const sameNumber = `l.n${i} = r.n${i}`;
      return [
        exact,
        { label: 'same number, Jaro-Winkler ≥ 0.95', sql: `${sameNumber} AND ${jw(l, r)} >= 0.95` },
        { label: 'same number, Jaro-Winkler ≥ 0.88', sql: `${sameNumber} AND ${jw(l, r)} >= 0.88` },
        { label: 'same number, Jaro-Winkler ≥ 0.7', sql: `${sameNumber} AND ${jw(l, r)} >= 0.7` },
      ];
    }
    case FieldKind.date:
      return [
        exact,
        { label: 'one edit (Levenshtein ≤ 1)', sql: dl(l, r) },
        { label: 'within 10 days', sql: `abs(date_diff('day', l.d${i}, r.d${i})) <= 10` },
        { label: 'within a year', sql: `abs(date_diff('day', l.d${i}, r.d${i})) <= 366` },
      ];
    case FieldKind.email: {
      // Only a typo counts as near agreement. Similar addresses are mostly namesakes: jean.martin@ and
      // jean.martin2@, or jean.martin@ at two providers, are built from the name and so say nothing the name
      // comparisons have not said (the 1M-contact benchmark lost 1.3 points of precision to such a level).
      // The first character must agree too: hmorin@ and tmorin@ at one company are two people whose initials
      // differ, not a typo (seen on the generated CRM: namesakes merged), and typos rarely hit the first letter.
      return [
        exact,
        {
          label: 'one typo, same digits and first letter',
          sql: `${dl(l, r)} AND l.n${i} = r.n${i} AND left(${l}, 1) = left(${r}, 1)`,
        },
      ];
    }
    case FieldKind.phone:
      return [exact, { label: 'one edit (Levenshtein ≤ 1)', sql: dl(l, r) }];
    case FieldKind.postcode:
      return [
        exact,
        { label: 'one edit (Levenshtein ≤ 1)', sql: dl(l, r) },
        { label: 'same first two characters', sql: `left(${l}, 2) = left(${r}, 2)` },
      ];
    case FieldKind.code:
      return [
        exact,
        { label: 'one edit (Levenshtein ≤ 1)', sql: dl(l, r) },
        { label: 'two edits (Levenshtein ≤ 2)', sql: dl(l, r, 2) },
      ];
    default:
      return [exact];
  }
};

export const comparisonsOf = (config: DedupeConfig): Comparison[] =>
  config.fields.map((field, i) => ({
    field: field.column,
    kind: field.kind,
    index: i,
    levels: levelsFor(config, field, i),
    termFrequencyLevel: usesTermFrequency(field) ? 0 : null,
    strong: isStrong(field),
    value: `v${i}`,
  }));

/** The level of a comparison as an SQL expression: -1 null, 0.. the levels, then "different". */
export const levelSql = (comparison: Comparison): string => {
  const { value, levels } = comparison;
  const whens = levels.map((level, n) => `WHEN ${level.sql} THEN ${n}`).join(' ');
  return `CASE WHEN l.${value} IS NULL OR r.${value} IS NULL THEN -1 ${whens} ELSE ${levels.length} END::TINYINT`;
};

export const levelLabel = (comparison: Comparison, level: number): string =>
  level < 0 ? 'missing' : (comparison.levels[level]?.label ?? 'different');

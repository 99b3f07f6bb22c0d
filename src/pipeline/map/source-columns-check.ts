import { distance } from 'fastest-levenshtein';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import type { EntityPlan } from '../../core/plan/plan-schema.js';
import { fieldColumnsOf, keyColumnsOf } from '../../core/plan/plan-columns.js';
import { isPseudoColumn } from '../../core/plan/pseudo-columns.js';
import type { RecordSource, SourceNotice } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';

/** A source column the plan reads, and what reads it (for the message). */
export interface ColumnUse {
  readonly column: string;
  /** `the key`, `field last_name`, `skip rule test-records`, `the dossier rule`. */
  readonly by: string;
}

/** Source columns among a plan's, pseudo-columns (`$record`, `$file`...) left out. */
const named = (columns: readonly string[]): string[] => columns.filter((column) => !isPseudoColumn(column));

/** Every source column an entity's plan reads, in plan order, each once. */
export const columnsReadBy = (entity: EntityPlan): ColumnUse[] => {
  const uses: ColumnUse[] = [];
  // One use per column, naming every part of the plan that reads it (`fields first_name, last_name`).
  const add = (columns: readonly string[], by: string) => {
    for (const column of columns) {
      const index = uses.findIndex((use) => use.column === column);
      const use = uses[index];
      if (use === undefined) uses.push({ column, by });
      else uses[index] = { column, by: `${use.by}, ${by}` };
    }
  };
  add(named(keyColumnsOf(entity)), 'the key');
  for (const [field, mapping] of Object.entries(entity.fields))
    add(named(fieldColumnsOf(mapping)), `field ${field}`);
  for (const rule of entity.skip) add(named([rule.when.field]), `skip rule ${rule.rule}`);
  if (entity.dossier !== undefined && 'field' in entity.dossier)
    add([entity.dossier.field], 'the dossier rule');
  return uses;
};

const quoted = (column: string) => JSON.stringify(column);

/**
 * The column of the source a person most likely meant: the same name but for case and surrounding spaces (a header
 * written `Id; Name; Email` names " Name"), else one within a typo's reach, else one holding the name or held by it,
 * else one that abbreviates it or that it abbreviates ("Amt" for "Amount": same first letter, the others in order).
 */
const likelyMeant = (column: string, columns: readonly string[]): string | undefined => {
  const plain = column.trim().toLowerCase();
  const same = columns.find((candidate) => candidate.trim().toLowerCase() === plain);
  if (same !== undefined) return same;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of columns) {
    const apart = distance(plain, candidate.trim().toLowerCase());
    if (best === undefined || apart < best.distance) best = { name: candidate, distance: apart };
  }
  // Two edits (a swapped pair of letters) past three letters; a quarter of the name for long ones.
  const reach = plain.length <= 3 ? 1 : Math.max(2, Math.floor(plain.length / 4));
  if (best !== undefined && best.distance <= reach) return best.name;
  // Else a column that holds the name whole, or that the name holds ("dossier" for "dossier_id", "email" for
  // "email_address"): the shortest such.
  const holding = columns
    .map((candidate) => ({ name: candidate, plain: candidate.trim().toLowerCase() }))
    .filter(
      ({ plain: other }) =>
        Math.min(other.length, plain.length) >= 3 && (other.includes(plain) || plain.includes(other)),
    )
    .sort((a, b) => a.plain.length - b.plain.length);
  if (holding[0] !== undefined) return holding[0].name;
  return columns.find((candidate) => {
    const other = candidate.trim().toLowerCase();
    const [short, long] = other.length < plain.length ? [other, plain] : [plain, other];
    return short.length >= 3 && short[0] === long[0] && isSubsequence(short, long);
  });
};

/** Whether the characters of `short` appear in `long` in the same order (not necessarily side by side). */
const isSubsequence = (short: string, long: string): boolean => {
  let at = 0;
  for (const character of long) if (character === short[at]) at++;
  return at >= short.length;
};

/** How many of the source's columns a message lists before it says how many more there are. */
const LISTED_COLUMNS = 30;

/**
 * The columns `uses` names that the source's `columns` lack, as one error naming the entity, the source, each
 * missing column with what reads it and the column it most likely meant, then the source's columns; undefined when
 * all are there. Without this check a misspelt column reads as empty on every record: a required field rejects the
 * whole file one record at a time, an optional one loads empty values without a word.
 */
export const missingColumnsError = (
  entity: string,
  source: string,
  uses: readonly ColumnUse[],
  columns: readonly string[],
  options: { readonly file?: string | undefined },
): CutoverError | undefined => {
  const present = new Set(columns);
  const missing = uses.filter((use) => !present.has(use.column));
  if (missing.length === 0) return undefined;
  const each = missing.map((use) => {
    const meant = likelyMeant(use.column, columns);
    return `${quoted(use.column)} (read by ${use.by}${meant === undefined ? '' : `; did you mean ${quoted(meant)}?`})`;
  });
  const listed = columns.slice(0, LISTED_COLUMNS).map(quoted).join(', ');
  const more = columns.length > LISTED_COLUMNS ? ` and ${columns.length - LISTED_COLUMNS} more` : '';
  const message =
    `${entity}: ${source} has no column ${each.join(', ')}; its columns are ${listed}${more}. ` +
    `Name the column as the source writes it in the plan`;
  // A file of one dossier that lacks the column stops that dossier (the others go on, and the same command resumes
  // once the file or the plan is fixed); a database table lacks it for every dossier: the plan is wrong.
  return options.file === undefined
    ? new CutoverError(ErrorCode.PLAN_INVALID, message, { context: { entity, source } })
    : new CutoverError(ErrorCode.SOURCE_FAILED, message, { context: { entity, file: options.file } });
};

/** The columns a source without fixed columns (JSON) was seen to have, and the uses still unseen. */
interface PropertyTally {
  /** Property names of the first records, for suggestions. */
  readonly seen: Set<string>;
  sampled: number;
  unseen: ColumnUse[];
}

/** Records whose property names are gathered for suggestions: enough to see a layout, few enough to cost nothing. */
const SAMPLED_RECORDS = 100;

/**
 * The check as the readers of an entity's sources run it. `check`, given each batch as it is read, throws
 * missingColumnsError once per header (a split FEC has one per part), before any record of it is mapped. A source
 * without fixed columns (JSON, whose records may each leave out optional properties) cannot be refused on its first
 * record: `afterRead` then gives one notice for each column no record of it had, which read as empty throughout.
 */
export const sourceColumnsCheck = (
  entity: string,
  plan: EntityPlan,
  /** Whether the caller reports `afterRead`'s notices (the run does; reconcile and dedupe do not tally for nothing). */
  options: { readonly notices: boolean },
): {
  check(source: RecordSource, batch: readonly SourceRecord[]): void;
  afterRead(source: RecordSource): SourceNotice[];
} => {
  const uses = columnsReadBy(plan);
  const fromFiles = 'path' in plan.source;
  const checked = new WeakMap<RecordSource, readonly string[]>();
  const tallies = new WeakMap<RecordSource, PropertyTally>();
  return {
    check(source, batch) {
      const columns = source.columns?.();
      if (columns === undefined) {
        if (!options.notices) return;
        let tally = tallies.get(source);
        if (tally === undefined) {
          tally = { seen: new Set(), sampled: 0, unseen: [...uses] };
          tallies.set(source, tally);
        }
        for (const record of batch) {
          if (tally.unseen.length === 0) break;
          if (tally.sampled < SAMPLED_RECORDS) {
            tally.sampled++;
            for (const name of Object.keys(record.fields)) tally.seen.add(name);
          }
          const has = (use: ColumnUse) => Object.hasOwn(record.fields, use.column);
          // A new array only when a column turns up: a misspelt one is looked for on every record.
          if (tally.unseen.some(has)) tally.unseen = tally.unseen.filter((use) => !has(use));
        }
        return;
      }
      if (checked.get(source) === columns) return;
      checked.set(source, columns);
      const file = fromFiles ? batch[0]?.location.source : undefined;
      const missing = missingColumnsError(entity, file ?? source.name, uses, columns, { file });
      if (missing !== undefined) throw missing;
    },
    afterRead(source) {
      const tally = tallies.get(source);
      tallies.delete(source);
      // A source that yielded no record has nothing to say about its properties.
      if (tally === undefined || tally.sampled === 0) return [];
      const properties = [...tally.seen];
      return tally.unseen.map((use) => {
        const meant = likelyMeant(use.column, properties);
        return {
          code: 'COLUMN_NOT_FOUND',
          message:
            `${entity}: no record of ${source.name} has the property ${quoted(use.column)} (read by ${use.by}` +
            `${meant === undefined ? '' : `; did you mean ${quoted(meant)}?`}): it read as empty on every record`,
        };
      });
    },
  };
};

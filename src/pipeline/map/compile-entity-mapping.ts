import { canonicalModel, type EntityName } from '../../core/model/canonical-model.js';
import type { Condition, EntityPlan, FieldMapping, TransformName } from '../../core/plan/plan-schema.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { SourceRecord } from '../../core/source-record.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { propertyReader } from '../../core/fixed-shape.js';
import { valueText } from '../../core/value-text.js';
import { fieldColumnsOf, keyColumnsOf } from '../../core/plan/plan-columns.js';
import { OCCURRENCE } from '../../core/plan/pseudo-columns.js';
import { targetColumns } from '../../store/target/target-ddl.js';
import {
  isParseFailure,
  memoize,
  parserFor,
  textParser,
  unstorableCharacter,
  type CanonicalValue,
  type ValueParser,
} from './value-parsers.js';

/** The longest source key any target keeps (UTF-8 bytes): PostgreSQL's index refuses entries past 2,704. */
export const MAX_SOURCE_KEY_BYTES = 1000;

/**
 * A record mapped to the canonical model: one value per column of the entity, in the target's column order
 * (`targetColumns`), so it goes to the target without reshaping. Reference columns still hold the parent's
 * source key (text) or null; the load replaces them with target ids.
 */
export interface MappedRecord {
  readonly sourceKey: string;
  readonly values: CanonicalValue[];
}

export type MappingOutcome =
  | { readonly fate: 'mapped'; readonly record: MappedRecord }
  | { readonly fate: 'skipped'; readonly rule: string; readonly sourceKey: string | null }
  | {
      readonly fate: 'rejected';
      readonly reason: RejectReason;
      readonly message: string;
      readonly column?: string;
      readonly sourceKey: string | null;
    }
  /** `distinct` entities: a record with an empty key is not a record of this entity. */
  | { readonly fate: 'not-a-record' };

/** Context that pseudo-columns read: `$dossier`, `$record`, `$line`, `$file`, `$occurrence`. */
export interface MappingContext {
  readonly dossier: string;
  /**
   * For a key ending in `$occurrence`: how many records of this read of the dossier had each key so far. One map per
   * read of a dossier's entity (run, resume, reconcile, dedupe), which maps every record of it in source order, so
   * that the n-th line of an entry gets the same number in each. Unused by other plans.
   */
  readonly occurrences: Map<string, number>;
}

type Getter = (record: SourceRecord, context: MappingContext) => unknown;

const KEY_SEPARATOR = '|';

/** The `$occurrence` the key of a record being mapped took, for a field that maps it too. */
const occurrenceOf = new WeakMap<SourceRecord, number>();

const getterFor = (column: string): Getter => {
  switch (column) {
    case '$dossier':
      return (_record, context) => context.dossier;
    case '$record':
      return (record) => record.location.record;
    case '$line':
      return (record) => record.location.line ?? null;
    case '$file':
      return (record) => record.location.source;
    case OCCURRENCE:
      // Only in fields: the key counts (see compileEntityMapping), and the record's number is kept on it.
      return (record) => occurrenceOf.get(record) ?? null;
    default: {
      // A reader of its own per column: one getter shared by all columns made V8's access site megamorphic.
      const read = propertyReader(column);
      return (record) => read(record.fields);
    }
  }
};

/** Whether text holds more than white space: most values start with a visible ASCII character and need no trim. */
const hasContent = (text: string): boolean => {
  const first = text.charCodeAt(0);
  return (first > 0x20 && first < 0x7f) || text.trim() !== '';
};

/** A source value too deeply nested to be written as text (see asText). */
class TooDeepValue extends Error {}

/** Source values as text (valueText); a value too deeply nested to be written as text refuses its record. */
const asText = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  try {
    return valueText(value) ?? null;
  } catch (error) {
    // A JSON value nested tens of thousands deep overflows the stack of jsonText: that record is refused.
    if (error instanceof RangeError) throw new TooDeepValue();
    throw error;
  }
};

const columnsGetter = (
  columns: readonly string[],
  separator: string,
): ((r: SourceRecord, c: MappingContext) => string | null) => {
  const getters = columns.map(getterFor);
  if (getters.length === 1) {
    const get = getters[0]!;
    return (record, context) => {
      const text = asText(get(record, context));
      return text === null || !hasContent(text) ? null : text;
    };
  }
  if (separator === KEY_SEPARATOR) {
    // A key of several columns: every part keeps its place, empty or not, and a separator inside a part is escaped,
    // so that distinct records never share a key ("1" + "" and "" + "1"; "x|y" + "z" and "x" + "y|z").
    return (record, context) => {
      const parts: string[] = [];
      let filled = false;
      for (const get of getters) {
        const text = asText(get(record, context));
        if (text === null || !hasContent(text)) parts.push('');
        else {
          filled = true;
          parts.push(escapeKeyPart(text.trim()));
        }
      }
      return filled ? parts.join(KEY_SEPARATOR) : null;
    };
  }
  return (record, context) => {
    const parts: string[] = [];
    for (const get of getters) {
      const text = asText(get(record, context));
      if (text !== null && hasContent(text)) parts.push(text.trim());
    }
    return parts.length === 0 ? null : parts.join(separator);
  };
};

const escapeKeyPart = (part: string): string =>
  part.includes('|') || part.includes('\\') ? part.replace(/[\\|]/g, '\\$&') : part;

const stripAccents = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '');

/** Control characters but tab, line feed and carriage return: NUL, and the padding and markers of old exports. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const transformFunctions: Record<TransformName, (text: string) => string> = {
  trim: (text) => text.trim(),
  upper: (text) => text.toUpperCase(),
  lower: (text) => text.toLowerCase(),
  digits: (text) => text.replace(/\D/g, ''),
  collapse_spaces: (text) => text.replace(/\s+/g, ' ').trim(),
  strip_accents: stripAccents,
  strip_control: (text) => text.replace(controlCharacters, ''),
};

const conditionTest = (
  condition: Condition,
): ((record: SourceRecord, context: MappingContext) => boolean) => {
  const get = getterFor(condition.field);
  const pattern = condition.matches === undefined ? undefined : new RegExp(condition.matches);
  const allowed = condition.in === undefined ? undefined : new Set(condition.in);
  return (record, context) => {
    const text = asText(get(record, context)) ?? '';
    if (condition.empty !== undefined && (text.trim() === '') !== condition.empty) return false;
    if (condition.equals !== undefined && text !== condition.equals) return false;
    if (allowed !== undefined && !allowed.has(text)) return false;
    if (pattern !== undefined && !pattern.test(text)) return false;
    return true;
  };
};

interface ColumnMapper {
  readonly column: string;
  readonly isReference: boolean;
  /** Returns the value, or a rejection. */
  readonly map: (
    record: SourceRecord,
    context: MappingContext,
  ) => CanonicalValue | { reason: RejectReason; message: string };
}

const normalise = (mapping: FieldMapping): Exclude<FieldMapping, string> =>
  typeof mapping === 'string' ? { from: mapping } : mapping;

const compileColumn = (entity: EntityName, column: string, rawMapping: FieldMapping): ColumnMapper => {
  const spec = (
    canonicalModel[entity].columns as Record<
      string,
      { type: 'text' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean'; references?: string }
    >
  )[column];
  if (spec === undefined) {
    throw new CutoverError(
      ErrorCode.INTERNAL,
      `column ${entity}.${column} passed plan validation but is unknown`,
    );
  }
  const mapping = normalise(rawMapping);
  const isReference = spec.references !== undefined;
  const from = mapping.from === undefined ? [] : Array.isArray(mapping.from) ? mapping.from : [mapping.from];
  const read: (record: SourceRecord, context: MappingContext) => string | null =
    mapping.value !== undefined
      ? () => asText(mapping.value)
      : columnsGetter(from, isReference ? KEY_SEPARATOR : ' ');
  const transforms = (
    mapping.transform === undefined
      ? []
      : Array.isArray(mapping.transform)
        ? mapping.transform
        : [mapping.transform]
  ).map((name) => transformFunctions[name]);
  const valueMap = mapping.map === undefined ? undefined : new Map(Object.entries(mapping.map));
  const fallback = mapping.default === undefined ? null : asText(mapping.default);
  const required = mapping.required === true;
  // A reference holds its parent's source key: text, refused with a NUL as any text is.
  const parse: ValueParser = isReference ? textParser : memoize(parserFor(spec.type, mapping));
  // A column named with spaces at its ends (` surname`, as `id, surname` headers give) is quoted: bare, the message
  // read `(source  surname)`, its space lost in the text around it.
  const describe =
    from.length > 0
      ? ` (source ${from.map((name) => (name !== '' && name.trim() === name ? name : JSON.stringify(name))).join(' + ')})`
      : '';

  return {
    column,
    isReference,
    map: (record, context) => {
      let text = read(record, context);
      if (text !== null) {
        for (const transform of transforms) text = transform(text);
        if (text === '') text = null;
      }
      if (valueMap !== undefined && text !== null) {
        if (valueMap.has(text)) {
          text = asText(valueMap.get(text));
        } else if (fallback === null) {
          return {
            reason: RejectReason.UNMAPPED_VALUE,
            message: `${column}${describe}: "${text}" is not in the value map`,
          };
        } else {
          text = fallback;
        }
      }
      if (text === null) text = fallback;
      if (text === null) {
        return required
          ? { reason: RejectReason.REQUIRED_MISSING, message: `${column}${describe} is required but empty` }
          : null;
      }
      const value = parse(text);
      if (isParseFailure(value))
        return { reason: value.reason, message: `${column}${describe}: ${value.message}` };
      return value;
    },
  };
};

/** Whether the entity's key ends in `$occurrence`: every record of a dossier must then be mapped, in order. */
export const numbersOccurrences = (plan: EntityPlan): boolean => keyColumnsOf(plan).at(-1) === OCCURRENCE;

/**
 * Compiles an entity's plan into one function per record. The plan is interpreted once, so the per-record work
 * is a loop over prepared column mappers writing into one array.
 */
export const compileEntityMapping = (
  entity: EntityName,
  plan: EntityPlan,
): ((record: SourceRecord, context: MappingContext) => MappingOutcome) => {
  const keyColumns = keyColumnsOf(plan);
  // `$occurrence` ends the key (the plan's schema says so): the rest of the key is read, then numbered.
  const numbered = numbersOccurrences(plan);
  const fieldsMapOccurrence = Object.values(plan.fields).some((mapping) =>
    fieldColumnsOf(mapping).includes(OCCURRENCE),
  );
  const readBaseKey = columnsGetter(numbered ? keyColumns.slice(0, -1) : keyColumns, KEY_SEPARATOR);
  const readKey = !numbered
    ? readBaseKey
    : (record: SourceRecord, context: MappingContext): string | null => {
        const base = readBaseKey(record, context);
        if (base === null) return null;
        const occurrence = (context.occurrences.get(base) ?? 0) + 1;
        context.occurrences.set(base, occurrence);
        if (fieldsMapOccurrence) occurrenceOf.set(record, occurrence);
        return `${base}${KEY_SEPARATOR}${occurrence}`;
      };
  const order = targetColumns(entity).map((column) => column.name);
  const width = order.length;
  const columns = Object.entries(plan.fields).map(([column, mapping]) => ({
    index: order.indexOf(column),
    mapper: compileColumn(entity, column, mapping),
  }));
  const skipRules = plan.skip.map((rule) => ({ rule: rule.rule, test: conditionTest(rule.when) }));
  const distinct = plan.distinct;

  const mapRecord = (record: SourceRecord, context: MappingContext): MappingOutcome => {
    const sourceKey = readKey(record, context);
    if (sourceKey === null && distinct) return { fate: 'not-a-record' };
    if (record.problem !== undefined) {
      return { fate: 'rejected', ...record.problem, sourceKey };
    }
    for (const { rule, test } of skipRules) {
      if (test(record, context)) return { fate: 'skipped', rule, sourceKey };
    }
    if (sourceKey === null) {
      return {
        fate: 'rejected',
        reason: RejectReason.MISSING_SOURCE_KEY,
        message: `the source key (${keyColumns.join(' + ')}) is empty`,
        sourceKey,
      };
    }
    const unstorable = unstorableCharacter(sourceKey);
    if (unstorable !== undefined) {
      return {
        fate: 'rejected',
        reason: RejectReason.INVALID_CHARACTER,
        message: `the source key (${keyColumns.join(' + ')}) ${JSON.stringify(sourceKey)} ${unstorable}`,
        sourceKey,
      };
    }
    // A key is indexed with its dossier; PostgreSQL's index takes at most 2,704 bytes per entry and failed the whole
    // batch (every retry too) on a longer one. Refused on every target, so the ledger does not depend on the target.
    const keyBytes = sourceKey.length > MAX_SOURCE_KEY_BYTES / 3 ? Buffer.byteLength(sourceKey) : 0;
    if (keyBytes > MAX_SOURCE_KEY_BYTES) {
      return {
        fate: 'rejected',
        reason: RejectReason.TARGET_REFUSED,
        message: `the source key (${keyColumns.join(' + ')}) is ${keyBytes.toLocaleString('en-US')} bytes long: a key holds at most ${MAX_SOURCE_KEY_BYTES.toLocaleString('en-US')} (UTF-8), on every target`,
        sourceKey: null,
      };
    }
    const values = new Array<CanonicalValue>(width).fill(null);
    for (const { index, mapper } of columns) {
      const value = mapper.map(record, context);
      if (value !== null && typeof value === 'object') {
        return {
          fate: 'rejected',
          reason: value.reason,
          message: value.message,
          column: mapper.column,
          sourceKey,
        };
      }
      values[index] = value;
    }
    return { fate: 'mapped', record: { sourceKey, values } };
  };
  return (record, context) => {
    try {
      return mapRecord(record, context);
    } catch (error) {
      if (!(error instanceof TooDeepValue)) throw error;
      return {
        fate: 'rejected',
        reason: RejectReason.MALFORMED_JSON,
        message: 'a value is nested too deeply to be written as text',
        sourceKey: null,
      };
    }
  };
};

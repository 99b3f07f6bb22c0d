import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { ColumnType } from '../../core/model/canonical-model.js';
import { canonicalDecimal } from '../../core/money.js';
import type { TargetColumn } from './target-ddl.js';
import type { TargetRowRead } from './target-store.js';
import { fixedShapeMaker } from '../../core/fixed-shape.js';

/**
 * Turns what a driver returns into the canonical value, so that a record read back from SQLite or PostgreSQL
 * hashes exactly like the same record mapped from the source.
 */
const textOf = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : JSON.stringify(value);

export const fromDriverValue = (type: ColumnType, value: unknown): CanonicalValue => {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    case 'integer':
      return typeof value === 'number' ? value : Number(value);
    case 'decimal':
      return canonicalDecimal(textOf(value)) ?? textOf(value);
    case 'datetime':
      return value instanceof Date ? value.toISOString() : textOf(value);
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : textOf(value);
    case 'text':
      return textOf(value);
  }
};

/**
 * Reads rows back as the read-back query returns them in array mode (id, source key, run id, then one value per
 * target column, in order) into canonical values by column name. Arrays, not one object per row keyed `c0`, `c1`...:
 * the drivers skip building an object per row, and the values object is one compiled literal (see fixedShapeMaker)
 * instead of properties added one by one.
 */
export const targetRowReader = (
  columns: readonly TargetColumn[],
): ((raw: readonly unknown[]) => TargetRowRead) => {
  const named = fixedShapeMaker(columns.map((column) => column.name));
  const values: CanonicalValue[] = new Array<CanonicalValue>(columns.length);
  return (raw) => {
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index]!;
      const value = raw[index + 3];
      values[index] =
        column.references === undefined ? fromDriverValue(column.type, value) : (value as string | null);
    }
    return {
      id: Number(raw[0]),
      sourceKey: String(raw[1]),
      runId: String(raw[2]),
      values: named(values) as Record<string, CanonicalValue>,
    };
  };
};

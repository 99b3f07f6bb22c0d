import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { ColumnType } from '../../core/model/canonical-model.js';
import { canonicalDecimal } from '../../core/money.js';
import type { TargetColumn } from './target-ddl.js';
import type { TargetRowRead } from './target-store.js';

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

/** A row read back (columns c0, c1... in target column order) as canonical values by column name. */
export const rowRead = (
  columns: readonly TargetColumn[],
  raw: Readonly<Record<string, unknown>>,
): TargetRowRead => {
  const values: Record<string, CanonicalValue> = {};
  columns.forEach((column, index) => {
    const value = raw[`c${index}`];
    values[column.name] =
      column.references === undefined ? fromDriverValue(column.type, value) : (value as string | null);
  });
  return { id: Number(raw.id), sourceKey: String(raw.source_key), runId: String(raw.run_id), values };
};

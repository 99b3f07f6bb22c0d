import { jsonText } from './json-text.js';

/**
 * A source value as text, the one way every step reads it (mapping, dossier ids and keys, registry attributes, the
 * evidence page): text as it is, numbers as written, booleans `true`/`false`, an instant in ISO 8601, an object or
 * a list as its JSON with nested numbers as the source wrote them (jsonText); undefined for no value. Not trimmed:
 * callers that want a trimmed id trim. A value nested too deep for the stack throws RangeError, as jsonText does.
 */
export const valueText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return jsonText(value);
};

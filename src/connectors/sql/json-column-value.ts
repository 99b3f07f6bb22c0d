import { parseJsonKeepingNumbers } from '../files/parse-json-keeping-numbers.js';

/**
 * A JSON column's value (PostgreSQL json and jsonb, MySQL JSON) with its numbers as the server writes them: the
 * drivers' default, JSON.parse, takes them through a float, and a 20-digit id loses its last digits. Wrapped in an
 * array so that the value's own members are nested: parseJsonKeepingNumbers makes a nested number a JsonNumber,
 * which jsonText writes back unquoted, and a number or string that is the whole value its text, as a numeric or
 * text column's.
 */
export const jsonColumnValue = (text: string): unknown =>
  (parseJsonKeepingNumbers(`[${text}]`) as unknown[])[0];

/**
 * A driver's JS value in the form cutover keeps for SQL fields: JSON-friendly and exact. Database types with a
 * text form worth keeping (dates, decimals) are already text when they get here (each driver is configured for
 * it); this handles what is left: binary as base64, integers beyond a JS number as text, and arrays item by item.
 */
export const toFieldValue = (value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  // Drivers are configured never to produce dates; should one slip through, an instant is still exact.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(toFieldValue);
  return value;
};

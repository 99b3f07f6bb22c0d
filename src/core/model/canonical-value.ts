/**
 * A value in the canonical model: text; integer; decimal as canonical text (exact money); date as `YYYY-MM-DD`;
 * date-time as ISO 8601 UTC text; boolean; or null.
 */
export type CanonicalValue = string | number | boolean | null;

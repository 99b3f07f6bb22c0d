/**
 * Stable reason codes of `rejected` ledger entries. Codes never change meaning once released:
 * reports, replays and evidence packs refer to them.
 */
export const RejectReason = {
  /** The line could not be split into fields (unclosed quote, stray quote). */
  MALFORMED_ROW: 'MALFORMED_ROW',
  /** The line has more or fewer fields than the header. */
  WRONG_COLUMN_COUNT: 'WRONG_COLUMN_COUNT',
  /** Bytes that are not valid in the file's encoding. */
  INVALID_ENCODING: 'INVALID_ENCODING',
  /** The record has no value for the field(s) forming its source key. */
  MISSING_SOURCE_KEY: 'MISSING_SOURCE_KEY',
  /** Another record of the same dossier and entity already has this source key. */
  DUPLICATE_SOURCE_KEY: 'DUPLICATE_SOURCE_KEY',
  /** A field the plan marks required is empty. */
  REQUIRED_MISSING: 'REQUIRED_MISSING',
  /** A date or date-time that matches none of the plan's formats or is not a real calendar date. */
  INVALID_DATE: 'INVALID_DATE',
  /** An amount that is not an exact decimal number. */
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  /** A FEC account number that the plan's chart rules cannot bring to the firm's chart (length, mapping). */
  INVALID_ACCOUNT: 'INVALID_ACCOUNT',
  /** A FEC account number that the plan's mapping table maps to more than one account. */
  AMBIGUOUS_ACCOUNT: 'AMBIGUOUS_ACCOUNT',
  /** An integer field holding something else. */
  INVALID_INTEGER: 'INVALID_INTEGER',
  /** A boolean field holding something that is not a recognised truth value. */
  INVALID_BOOLEAN: 'INVALID_BOOLEAN',
  /** A value-map field whose value is not in the map and that has no default. */
  UNMAPPED_VALUE: 'UNMAPPED_VALUE',
  /** A reference to a parent record that does not exist in the same dossier. */
  UNKNOWN_PARENT: 'UNKNOWN_PARENT',
  /**
   * A text value, source key or reference holding a NUL character (U+0000), which PostgreSQL text cannot store.
   * Refused on every target, so that a plan's ledger is the same whichever target it loads; the transform
   * `strip_control` removes such characters.
   */
  INVALID_CHARACTER: 'INVALID_CHARACTER',
  /** The target refused the record (constraint, value too long). */
  TARGET_REFUSED: 'TARGET_REFUSED',
  /** The record's dossier column is empty, so it belongs to no dossier. */
  NO_DOSSIER: 'NO_DOSSIER',
  /** A JSON line or document that does not parse. */
  MALFORMED_JSON: 'MALFORMED_JSON',
  /**
   * A record `cutover dedupe` merged into a survivor that was not loaded (rejected at load, or gone from the
   * source): it cannot be merged into nothing, so it is rejected with its raw content until a replay loads both.
   */
  SURVIVOR_NOT_LOADED: 'SURVIVOR_NOT_LOADED',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

const UNDECODED = Symbol('text that is not UTF-8');

/**
 * A text value whose bytes are not valid UTF-8, as a database that does not check its text (SQLite) holds it. The
 * driver hands the bytes over undecoded, so that the source reads them by the plan's `encoding` (see
 * createSqlTextDecoding) instead of the driver turning each invalid byte into U+FFFD unseen.
 */
export interface UndecodedText {
  readonly [UNDECODED]: true;
  readonly bytes: Buffer;
}

export const undecodedText = (bytes: Buffer): UndecodedText => ({ [UNDECODED]: true, bytes });

export const isUndecodedText = (value: unknown): value is UndecodedText =>
  typeof value === 'object' && value !== null && UNDECODED in value;

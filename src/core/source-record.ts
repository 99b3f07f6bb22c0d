import type { RejectReason } from './reject-reasons.js';

/** Where a record came from: enough for a person to open the file (or table) and find it. */
export interface SourceLocation {
  /** File path as given in the plan, or `table` / `query` name for SQL sources. */
  readonly source: string;
  /** 1-based physical line in the file where the record starts (text sources). */
  readonly line?: number;
  /**
   * Set where several records can start on one line (the elements of a JSON array, all on line 1 in a file written
   * without line breaks): the line alone does not tell this record from the others.
   */
  readonly lineShared?: true;
  /** 1-based record number in the source, header excluded (every source). */
  readonly record: number;
  /** Sheet name (XLSX). */
  readonly sheet?: string;
  /** Primary key values as text (SQL sources). */
  readonly key?: string;
}

/** A problem found while reading a record: the record will be rejected, never mapped. */
export interface ReadProblem {
  readonly reason: RejectReason;
  readonly message: string;
  /** The column involved, when one is. */
  readonly column?: string;
}

/**
 * One record exactly as read from a source. Values stay as the source gave them (strings for text sources,
 * driver values for SQL) so that the ledger can keep the raw record and replays see the same input.
 */
export interface SourceRecord {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly location: SourceLocation;
  /** The raw text of the record as read, for text sources. */
  readonly raw?: string;
  readonly problem?: ReadProblem;
}

/** Text form of a location, unique per record of a source: the ledger's key for records without a target row. */
export const locationKey = (location: SourceLocation): string => {
  const where = location.sheet === undefined ? location.source : `${location.source}[${location.sheet}]`;
  // A key alone is not unique: a table may hold a key twice, or NULL keys (rejected, each with its own entry).
  if (location.key !== undefined) return `${where}#${location.key}@${location.record}`;
  if (location.line === undefined) return `${where}#${location.record}`;
  return location.lineShared === true
    ? `${where}:${location.line}#${location.record}`
    : `${where}:${location.line}`;
};

/** Human form: `contacts.csv line 12 (record 11)`. */
export const describeLocation = (location: SourceLocation): string => {
  const parts = [
    location.sheet === undefined ? location.source : `${location.source} sheet ${location.sheet}`,
  ];
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.key !== undefined) parts.push(`key ${location.key}`);
  parts.push(`(record ${location.record})`);
  return parts.join(' ');
};

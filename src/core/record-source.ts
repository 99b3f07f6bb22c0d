import type { SourceRecord } from './source-record.js';

export interface ReadOptions {
  /** Records per yielded batch; sources may yield smaller batches. */
  readonly batchSize?: number;
  /** Abort reading (the iterator then ends or throws an AbortError). */
  readonly signal?: AbortSignal;
}

/** Progress of a read, for ETA: bytes when the source knows its size. */
export interface ReadProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number | undefined;
}

/**
 * Something about the source as a whole that a person should know but that rejects no record: an empty file,
 * an encoding fallback, a dot used as decimal mark. Reported in the run summary and the evidence pack.
 */
export interface SourceNotice {
  readonly code: string;
  readonly message: string;
  /** 1-based line the notice is about, when there is one. */
  readonly line?: number;
}

/**
 * What makes two notices the same notice: the entities read off one file (a FEC's journals, accounts, entries...)
 * each see its notices, which summaries and evidence packs say once.
 */
export const noticeIdentity = (notice: {
  readonly source: string;
  readonly code: string;
  readonly message: string;
  readonly line?: number | null | undefined;
}): string => `${notice.source}\u0000${notice.code}\u0000${notice.line ?? ''}\u0000${notice.message}`;

/**
 * A streaming source of records. Implementations never hold the whole source in memory: they yield
 * batches in source order, the same order on every read (resume relies on it), and turn every unreadable
 * record into a SourceRecord with a `problem` instead of throwing. They throw CutoverError only when the
 * source as a whole cannot be read (missing file, refused connection).
 */
export interface RecordSource {
  /** Short text naming the source in messages (file path or table). */
  readonly name: string;
  /** The files read, when the source reads several as one (the parts of a split FEC). */
  readonly parts?: readonly string[];
  read(options?: ReadOptions): AsyncIterable<SourceRecord[]>;
  progress?(): ReadProgress;
  /** Notices gathered so far (complete once `read` has finished). */
  notices?(): readonly SourceNotice[];
  /**
   * The names of the columns its records have, once the read has begun (a header read, a first row fetched), so
   * that a plan naming a column the source does not have is told so instead of reading it as empty on every
   * record. Undefined when the source has no fixed columns (JSON) or none were read yet (an empty file).
   */
  columns?(): readonly string[] | undefined;
}

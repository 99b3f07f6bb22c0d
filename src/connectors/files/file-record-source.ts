import { stat } from 'node:fs/promises';
import type { ReadOptions, ReadProgress, RecordSource, SourceNotice } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';
import { fileError } from './file-error.js';

/** What every file reader is given: where the file is, how it is named in locations, and where to report. */
export interface FileReadContext {
  /** Absolute path, for opening. */
  readonly path: string;
  /** The path as the plan names it: `location.source` of every record. */
  readonly source: string;
  readonly bytesTotal: number;
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
  readonly notice: (notice: SourceNotice) => void;
  /** Counts bytes taken from the file, for `progress()`. */
  readonly readBytes: (count: number) => void;
  /** Says which columns the records have, once the header is read (see RecordSource.columns). */
  readonly columns: (names: readonly string[]) => void;
}

export type FileReader = (context: FileReadContext) => AsyncIterable<SourceRecord[]>;

export const DEFAULT_BATCH_SIZE = 5000;

/**
 * The common shell of file sources: checks the file exists before anything is yielded, restarts notices and
 * progress on every read (a re-read must not report things twice), and wraps file-system errors.
 */
export const fileRecordSource = (
  file: { path: string; relative: string },
  reader: FileReader,
): RecordSource => {
  let notices: SourceNotice[] = [];
  let bytesRead = 0;
  let bytesTotal: number | undefined;
  let columns: readonly string[] | undefined;
  return {
    name: file.relative,
    async *read(options: ReadOptions = {}) {
      notices = [];
      bytesRead = 0;
      columns = undefined;
      let size: number;
      try {
        const stats = await stat(file.path);
        if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        size = stats.size;
      } catch (error) {
        throw fileError(error, file.relative);
      }
      bytesTotal = size;
      const collected = notices;
      const context: FileReadContext = {
        path: file.path,
        source: file.relative,
        bytesTotal: size,
        batchSize: Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE),
        signal: options.signal,
        notice: (notice) => collected.push(notice),
        readBytes: (count) => {
          bytesRead += count;
        },
        columns: (names) => {
          columns = names;
        },
      };
      if (size === 0) {
        // Every reader would say the same; none has anything to parse.
        context.notice(emptyFileNotice(file.relative, 'is empty (0 bytes)'));
        return;
      }
      try {
        yield* reader(context);
      } catch (error) {
        throw fileError(error, file.relative);
      }
    },
    progress: (): ReadProgress => ({ bytesRead, bytesTotal }),
    notices: () => notices,
    columns: () => columns,
  };
};

export const emptyFileNotice = (source: string, why: string): SourceNotice => ({
  code: 'EMPTY_FILE',
  message: `${source} ${why}: no records`,
});

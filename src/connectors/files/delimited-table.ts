import { RejectReason } from '../../core/reject-reasons.js';
import type { SourceRecord } from '../../core/source-record.js';
import { createBlankLineTally } from './blank-line-tally.js';
import { delimitedRecordBuilder, headerNames } from './delimited-record.js';
import { emptyFileNotice, type FileReadContext } from './file-record-source.js';
import { createBatcher } from './record-batcher.js';
import { isTrailingSeparator } from './trailing-separator.js';

export interface DelimitedTableOptions {
  /** Turns the header's values into column names before duplicates are renamed (FEC: canonical spelling). */
  readonly columnNames?: (header: string[]) => string[];
  /**
   * Some software ends every line with the separator (`...|EUR|`), which reads as one more, empty, value: when set,
   * an empty value right after the last column is not counted as one, in a file whose header ends so (see
   * isTrailingSeparator).
   */
  readonly trailingSeparator?: boolean;
  /** Fields the reader will add to every record, given the header's columns (kept in the record's template). */
  readonly extraFields?: (columns: readonly string[]) => readonly string[];
  /**
   * Columns a plan may name though this file's header lacks them, read as empty (FEC: the norm's optional columns,
   * which the validator reports when missing).
   */
  readonly optionalColumns?: readonly string[];
  /**
   * A row of separators only (`,,,`, which Excel leaves under an export's last row once cells were cleared) is a
   * blank line, not a record (CSV). Not for a FEC: the norm wants its fields on every line, and `fec validate`
   * counts such a line with its errors, so the run keeps it as a record (rejected), for the two to agree.
   */
  readonly separatorRowsAreBlank?: boolean;
}

/**
 * What CSV and FEC share once a line is split: the first non-blank row names the columns, the others become
 * records in batches; blank lines are skipped and reported; an empty file is reported.
 */
export const createDelimitedTable = (context: FileReadContext, options: DelimitedTableOptions = {}) => {
  const { source } = context;
  const batcher = createBatcher(context.batchSize);
  const blanks = createBlankLineTally();
  let toRecord: ReturnType<typeof delimitedRecordBuilder> | undefined;
  let width = 0;
  let recordNumber = 0;
  let headerHasTrailing = false;

  const setHeader = (values: string[], line: number): void => {
    let names = values;
    headerHasTrailing =
      options.trailingSeparator === true && names.length > 1 && names[names.length - 1] === '';
    if (headerHasTrailing) names = names.slice(0, -1);
    const columns = headerNames(options.columnNames?.(names) ?? names, source, line, context.notice);
    width = columns.length;
    const extras = (options.extraFields?.(columns) ?? []).filter((name) => !columns.includes(name));
    toRecord = delimitedRecordBuilder(columns, extras);
    context.columns([...new Set([...columns, ...extras, ...(options.optionalColumns ?? [])])]);
  };

  /** A line split into values; `raw` is its text as read (see delimitedRecordBuilder for `mayHoldReplacement`). */
  const row = (values: string[], raw: string, line: number, mayHoldReplacement = true): void => {
    // A row of separators only holds no more than a blank line (see separatorRowsAreBlank): it was rejected
    // MISSING_SOURCE_KEY, each towards the dossier's threshold.
    if (
      raw.length === 0 ||
      (options.separatorRowsAreBlank === true &&
        toRecord !== undefined &&
        values.every((value) => value === ''))
    ) {
      blanks.blank(line);
      return;
    }
    blanks.content();
    if (toRecord === undefined) {
      setHeader(values, line);
      return;
    }
    if (isTrailingSeparator(headerHasTrailing, width, values)) values.pop();
    recordNumber += 1;
    batcher.push(
      toRecord(values, { source, line, record: recordNumber }, raw, mayHoldReplacement),
      values.length,
    );
  };

  /** A line that could not be split (its quotes do not balance): rejected whole. */
  const malformed = (raw: string, line: number, message: string, delimiter: string): void => {
    blanks.content();
    if (toRecord === undefined) {
      // A header with a broken quote still names the columns best when split as it stands.
      setHeader(raw.split(delimiter), line);
      return;
    }
    recordNumber += 1;
    batcher.push({
      fields: {},
      location: { source, line, record: recordNumber },
      raw,
      problem: { reason: RejectReason.MALFORMED_ROW, message },
    });
  };

  /** The last batches, once the file is read; reports blank lines and a file without records. */
  const finish = (): SourceRecord[][] => {
    const blankNotice = blanks.notice(source);
    if (blankNotice !== undefined) context.notice(blankNotice);
    if (recordNumber === 0) {
      context.notice(
        emptyFileNotice(source, toRecord === undefined ? 'has only blank lines' : 'has a header only'),
      );
    }
    return batcher.finish();
  };

  return {
    hasHeader: (): boolean => toRecord !== undefined,
    /** The header's number of columns (0 before it is read). */
    width: (): number => width,
    row,
    malformed,
    /** The full batches so far. */
    take: (): SourceRecord[][] => batcher.take(),
    finish,
  };
};

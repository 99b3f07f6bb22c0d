import type { SourceNotice } from '../../core/record-source.js';

/** Lines named in the notice; the others are counted. */
const FIRST_LINES_KEPT = 5;

/**
 * Records of a CSV file that span several lines, a quoted field holding line breaks. CSV allows it (a note typed on
 * several lines), but a quote left open by mistake and closed by a quote lines later makes one record of all the
 * lines between, which are then no records of their own: no fate in the ledger, and reconcile, reading the file the
 * same way, cannot see them. Only people can tell the two apart, so the notice names where to look.
 */
export const createMultilineRecordTally = () => {
  const firstLines: number[] = [];
  let count = 0;
  return {
    /** A record starting on `line` and spanning more lines. */
    record(line: number): void {
      count += 1;
      if (firstLines.length < FIRST_LINES_KEPT) firstLines.push(line);
    },
    notice(source: string): SourceNotice | undefined {
      if (count === 0) return undefined;
      const more = count - firstLines.length;
      const where =
        count === 1
          ? `the record at line ${firstLines[0]} spans`
          : `${count} records (at lines ${firstLines.join(', ')}${more > 0 ? ` and ${more} more` : ''}) span`;
      return {
        code: 'MULTILINE_RECORDS',
        message: `${source}: ${where} several lines (a quoted field holds line breaks): had a quote been left open by mistake, the lines up to the next quote would be read as text of that record, not as records; check them if every record is one line`,
        line: firstLines[0] as number,
      };
    },
  };
};

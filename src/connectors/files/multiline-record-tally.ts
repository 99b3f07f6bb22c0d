import type { SourceNotice } from '../../core/record-source.js';

/** Lines named in the notice; the others are counted. */
const FIRST_LINES_KEPT = 5;

/** The physical lines of a row's text after its first: those a quote left open would have taken from other records. */
const LINE_BREAK = /\r\n|\r|\n/;

/** Occurrences of `delimiter` (one character) in `text`. */
const countOf = (text: string, delimiter: string): number => {
  let count = 0;
  for (let index = text.indexOf(delimiter); index !== -1; index = text.indexOf(delimiter, index + 1))
    count += 1;
  return count;
};

/** A list of lines: "at line 3", "at lines 3, 7 and 12 more". */
const atLines = (lines: readonly number[], count: number): string => {
  const more = count - lines.length;
  return lines.length === 1 && more === 0
    ? `at line ${lines[0]}`
    : `at lines ${lines.join(', ')}${more > 0 ? ` and ${more.toLocaleString('en-US')} more` : ''}`;
};

/**
 * Records of a CSV file that span several lines, a quoted field holding line breaks. CSV allows it (a note typed on
 * several lines), but a quote left open by mistake and closed by a quote lines later makes one record of all the
 * lines between, which are then no records of their own: no fate in the ledger, and reconcile, reading the file the
 * same way, cannot see them. Only people can tell the two apart, so the notice names where to look, first the
 * records with a line inside them shaped like a record (as many delimiters as the header has): the lines a quote left
 * open swallows are records, where a note typed on several lines seldom holds that many delimiters on one line.
 */
export const createMultilineRecordTally = (delimiter: string) => {
  const firstLines: number[] = [];
  let count = 0;
  const recordShaped: number[] = [];
  let recordShapedCount = 0;
  return {
    /**
     * A record starting on `line` and spanning more lines, `raw` its text, `columns` the header's: only such records
     * come here (a few in a file), so looking at their lines costs nothing on the rest.
     */
    record(line: number, raw: string, columns: number): void {
      count += 1;
      if (firstLines.length < FIRST_LINES_KEPT) firstLines.push(line);
      const inner = raw.split(LINE_BREAK).slice(1);
      if (columns < 2 || inner.some((text) => countOf(text, delimiter) >= columns - 1)) {
        recordShapedCount += 1;
        if (recordShaped.length < FIRST_LINES_KEPT) recordShaped.push(line);
      }
    },
    notice(source: string): SourceNotice | undefined {
      if (count === 0) return undefined;
      const spanning =
        count === 1
          ? `the record ${atLines(firstLines, count)} spans`
          : `${count.toLocaleString('en-US')} records (${atLines(firstLines, count)}) span`;
      if (recordShapedCount === 0) {
        return {
          code: 'MULTILINE_RECORDS',
          message: `${source}: ${spanning} several lines (a quoted field holds line breaks, as a note typed on several lines); none holds a line with as many delimiters as a record, as the lines a quote left open by mistake would`,
          line: firstLines[0] as number,
        };
      }
      const shaped =
        recordShapedCount === count
          ? count === 1
            ? 'it holds'
            : 'each holds'
          : `${recordShapedCount.toLocaleString('en-US')} of them (${atLines(recordShaped, recordShapedCount)}) hold`;
      return {
        code: 'MULTILINE_RECORDS',
        message: `${source}: ${spanning} several lines (a quoted field holds line breaks), and ${shaped} a line with as many delimiters as a record: had a quote been left open by mistake, the lines up to the next quote were read as text of that record, not as records; check ${recordShapedCount === 1 ? 'it' : 'them'}`,
        line: recordShaped[0] as number,
      };
    },
  };
};

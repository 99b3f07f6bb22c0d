import { visibleText } from './visible-text.js';
import { graphemesOf, visibleWidth } from './visible-width.js';

/** One row of a side-by-side table: a column name, the value a person reads, and what follows it on the line. */
export interface SideBySideRow {
  readonly name: string;
  readonly value: string;
  readonly after: string;
}

/** The value column is at least this wide, so that short or empty values still stand apart from what follows. */
const VALUE_FLOOR = 12;

/**
 * A value wider than this continues on the next lines rather than pushing what follows it off a wide terminal (two
 * values of fifty columns and a column name fit in about 120). It is never cut: a person decides on the whole value,
 * and two emails or addresses often differ only at their end.
 */
const VALUE_CAP = 50;

/**
 * A stored value as a table shows it: text as it is, other values as JSON, nothing for null. A line feed or tab in
 * a value (an address on two lines) would start a new line or jump to a tab stop, out of the table, so they are
 * written `\n` and `\t`, as visibleText writes the other control characters.
 */
export const cellText = (value: unknown): string => {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return visibleText(text.replace(/\n/g, '\\n').replace(/\t/g, '\\t'));
};

const padded = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - visibleWidth(text)));

/**
 * `text` in pieces of at most `width` columns, each grapheme whole. A piece ends at its last space where it has one,
 * and the line break stands for that space, as in any wrapped text (a piece starting with a space would hide it);
 * a run with no space (a long email) is broken where it reaches the width.
 */
const wrapped = (text: string, width: number): string[] => {
  const pieces: string[] = [];
  let piece: string[] = [];
  let used = 0;
  for (const grapheme of graphemesOf(text)) {
    const columns = visibleWidth(grapheme);
    if (used + columns > width && piece.length > 0) {
      if (grapheme === ' ') {
        pieces.push(piece.join(''));
        piece = [];
        used = 0;
        continue;
      }
      const space = piece.lastIndexOf(' ');
      const end = space > 0 ? space : piece.length;
      pieces.push(piece.slice(0, end).join(''));
      piece = piece.slice(end + 1);
      used = visibleWidth(piece.join(''));
    }
    piece.push(grapheme);
    used += columns;
  }
  return [...pieces, piece.join('')];
};

/**
 * The lines of a table of `rows`: names, values and what follows, each in its column. Both columns take the
 * visible width (see visibleWidth) of their longest entry, so that what follows the value starts at the same
 * column on every row whatever the values, wide or accented characters included. A value over VALUE_CAP goes on
 * over the next lines of its column, under an empty name.
 */
export const sideBySide = (rows: readonly SideBySideRow[]): string[] => {
  const nameWidth = Math.max(6, ...rows.map((row) => visibleWidth(row.name)));
  const valueWidth = Math.min(
    VALUE_CAP,
    Math.max(VALUE_FLOOR, ...rows.map((row) => visibleWidth(row.value))),
  );
  return rows.flatMap((row) => {
    const [first = '', ...rest] = wrapped(row.value, valueWidth);
    return [
      `  ${padded(row.name, nameWidth)}  ${padded(first, valueWidth)}  ${row.after}`.trimEnd(),
      ...rest.map((more) => `  ${' '.repeat(nameWidth)}  ${more}`.trimEnd()),
    ];
  });
};

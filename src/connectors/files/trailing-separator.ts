/**
 * Whether a line's last, empty value is a trailing separator (`...|EUR|`, written by some software) rather than a
 * column: only in a file whose header ends so too, never decided line by line. A label holding the separator
 * (`Facture 2024|0042`) on a line whose last column is empty also splits into one value too many with an empty last
 * one; taking that for a trailing separator shifted every column after the label (its debit read 42, its credit
 * 120): a line loaded with wrong amounts and no word. In a file whose header has no trailing separator, such a line
 * is a wrong column count, rejected with its raw text; a file whose data lines alone end with the separator has all
 * its lines rejected so, which says what is wrong, where guessing from a first line could not tell the two apart.
 */
export const isTrailingSeparator = (
  headerHasTrailing: boolean,
  width: number,
  values: readonly string[],
): boolean => headerHasTrailing && values.length === width + 1 && values[width] === '';

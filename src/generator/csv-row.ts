/**
 * One CSV row as legacy tools write it: a field is quoted only when it must be (it holds the delimiter, a quote
 * or a line break), and quotes inside are doubled (RFC 4180).
 */
export const csvRow = (fields: readonly string[], delimiter: string, lineEnd: string): string => {
  let row = '';
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index] ?? '';
    if (index > 0) row += delimiter;
    row +=
      field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r')
        ? `"${field.replaceAll('"', '""')}"`
        : field;
  }
  return row + lineEnd;
};

/** Physical lines a written row occupies (a quoted field may hold line breaks). */
export const physicalLines = (row: string): number => {
  let lines = 0;
  for (let index = row.indexOf('\n'); index !== -1; index = row.indexOf('\n', index + 1)) lines++;
  return lines;
};

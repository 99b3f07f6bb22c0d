/**
 * The delimiter a CSV file declares on its first line the way Excel reads it (`sep=;`), or undefined when its first
 * line is no such declaration. Excel takes this line as an instruction, not as data: files meant to open right in
 * a French Excel (whose own separator is `;`) carry it, and reading it as the header would leave the file with no
 * column the plan names. `text` is the start of the file, without its byte-order mark.
 */
export const excelSeparatorLine = (text: string, quote: string): string | undefined => {
  const match = /^sep=([^\r\n])(?:\r\n|\r|\n|$)/i.exec(text);
  const delimiter = match?.[1];
  return delimiter === undefined || delimiter === quote ? undefined : delimiter;
};

import { closeSync, openSync, readSync } from 'node:fs';
import Papa from 'papaparse';
import { sniffDelimitedText } from '../connectors/files/sniff-delimited-text.js';
import { sqlString } from './workbench.js';

/** Enough of a file to find its delimiter and read its header. */
const HEAD_BYTES = 256 * 1024;

/**
 * DuckDB's `read_csv` options for a CSV to deduplicate: its delimiter found by cutover's own sniffer, its header read
 * by papaparse (names trimmed, as DuckDB's sniffer trims them), every column text, and DuckDB's detection off.
 * Left to detect the layout itself, DuckDB misread a file with one row of an extra field: it took that row for the
 * header, or `|` for the delimiter, and the command then said the file lacked columns its header has. With the
 * layout given, such a row is refused naming its line (`CSV Error on Line: 52 ... Expected Number of Columns: 9
 * Found: 10`). A header DuckDB would have to rename (an empty or repeated name) is left to its detection.
 */
export const csvReadOptions = (path: string): string => {
  const detected = 'all_varchar = true, header = true';
  const head = readHead(path);
  const text = head.bytes.toString('utf8').replace(/^\uFEFF/, '');
  const layout = sniffDelimitedText(text, [',', ';', '\t', '|'], '"', head.complete);
  const delimiter = layout.delimiter ?? ',';
  const [header] = Papa.parse<string[]>(text, { delimiter, quoteChar: '"', preview: 1 }).data;
  const names = (header ?? []).map((name) => name.trim());
  if (names.length === 0 || names.includes('') || new Set(names).size !== names.length) return detected;
  const columns = names.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ');
  return `delim = ${sqlString(delimiter)}, quote = '"', escape = '"', header = true, auto_detect = false, columns = {${columns}}`;
};

const readHead = (path: string): { bytes: Buffer; complete: boolean } => {
  const descriptor = openSync(path, 'r');
  try {
    const bytes = Buffer.alloc(HEAD_BYTES);
    const read = readSync(descriptor, bytes, 0, HEAD_BYTES, 0);
    return { bytes: bytes.subarray(0, read), complete: read < HEAD_BYTES };
  } finally {
    closeSync(descriptor);
  }
};

import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import type { fecSourceSchema } from '../../core/plan/plan-schema.js';
import type { RecordSource } from '../../core/record-source.js';
import { FEC_STANDARD_COLUMNS, FEC_VARIANT_COLUMNS } from '../../domains/accounting/fec-columns.js';
import type { SourceRecord } from '../../core/source-record.js';
import { createDelimitedTable } from './delimited-table.js';
import { fileRecordSource, type FileReadContext } from './file-record-source.js';
import { createLineSplitter } from './line-splitter.js';
import { readChunks } from './read-chunks.js';
import { sniffDelimitedText } from './sniff-delimited-text.js';
import { decodeBytes } from './text-encoding.js';

export type FecSourceSpec = z.infer<typeof fecSourceSchema>;

/**
 * Column names of the FEC as the norm spells them, then its variants. Software writes them in every case
 * (`MontantDevise`, `JOURNALCODE`): they are matched ignoring case and returned as here.
 */
export const FEC_COLUMNS = [...FEC_STANDARD_COLUMNS, ...FEC_VARIANT_COLUMNS] as const;

const canonicalByLowerCase = new Map<string, string>(FEC_COLUMNS.map((name) => [name.toLowerCase(), name]));

const FEC_SEPARATORS = ['\t', '|'] as const;

/** One notice per line is useful up to a point; past it a count says the rest. */
const MAX_LINE_NOTICES = 100;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function* readFec(spec: FecSourceSpec, context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const table = createDelimitedTable(context, {
    columnNames: (names) => names.map((name) => canonicalByLowerCase.get(name.trim().toLowerCase()) ?? name),
    trailingSeparator: true,
  });
  let separator = '\t';
  let fallbacks = 0;

  /**
   * Legacy software writes FEC files in Windows-1252, and some files mix both (a UTF-8 export with lines pasted
   * from an old system): each line is read as UTF-8 when it is valid UTF-8, else as Windows-1252, which decodes
   * every byte, so nothing is lost; the person is told which lines.
   */
  const decode = (bytes: Buffer, line: number): string => {
    if (spec.encoding !== 'auto') return decodeBytes(bytes, spec.encoding);
    if (isUtf8(bytes)) return bytes.toString('utf8');
    fallbacks += 1;
    if (fallbacks <= MAX_LINE_NOTICES) {
      context.notice({
        code: 'ENCODING_FALLBACK',
        message: `${source} line ${line} is not valid UTF-8: read as Windows-1252`,
        line,
      });
    }
    return decodeBytes(bytes, 'windows-1252');
  };

  const splitter = createLineSplitter((lineBytes, line) => {
    const bytes = line === 1 && lineBytes.subarray(0, 3).equals(UTF8_BOM) ? lineBytes.subarray(3) : lineBytes;
    const text = bytes.length === 0 ? '' : decode(bytes, line);
    if (!table.hasHeader() && text !== '') {
      separator = sniffDelimitedText(text, FEC_SEPARATORS, undefined, true).delimiter ?? '\t';
    }
    table.row(text.split(separator), text, line);
  });

  for await (const chunk of readChunks(context)) {
    splitter.push(chunk);
    yield* table.take();
  }
  splitter.end();
  if (fallbacks > MAX_LINE_NOTICES) {
    context.notice({
      code: 'ENCODING_FALLBACK',
      message: `${source}: ${fallbacks - MAX_LINE_NOTICES} more lines are not valid UTF-8 and were read as Windows-1252`,
    });
  }
  yield* table.finish();
}

/**
 * A FEC file: tab- or pipe-separated, no quoting (the norm has none, so a `"` is data), values kept exactly as
 * written (padding included); checking dates, amounts and balances is the accounting domain's work.
 */
export const fecSource = (spec: FecSourceSpec, file: { path: string; relative: string }): RecordSource =>
  fileRecordSource(file, (context) => readFec(spec, context));

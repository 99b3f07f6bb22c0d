import type { z } from 'zod';
import type { csvSourceSchema } from '../../core/plan/plan-schema.js';
import type { RecordSource } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';
import { createCsvRowSplitter } from './csv-row-splitter.js';
import { createDelimitedTable } from './delimited-table.js';
import { excelSeparatorLine } from './excel-separator-line.js';
import { fileRecordSource, type FileReadContext } from './file-record-source.js';
import { peekChunks, readChunks } from './read-chunks.js';
import { sniffDelimitedText } from './sniff-delimited-text.js';
import { createDecodingLosses } from './decoding-losses.js';
import { createMultilineRecordTally } from './multiline-record-tally.js';
import { chooseEncoding, createChunkDecoder, ENCODING_SAMPLE_BYTES } from './text-encoding.js';
import { createUtf8WithLegacyLinesDecoder } from './utf8-with-legacy-lines.js';

export type CsvSourceSpec = z.infer<typeof csvSourceSchema>;

const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

/** Text looked at to find the delimiter and line break: the first records are enough. */
const LAYOUT_SAMPLE_BYTES = 64 * 1024;

async function* readCsv(spec: CsvSourceSpec, context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const { head, all } = await peekChunks(readChunks(context), ENCODING_SAMPLE_BYTES);
  const choice = chooseEncoding(head, spec.encoding, source, head.length >= context.bytesTotal);
  if (choice.notice !== undefined) context.notice(choice.notice);
  const layoutEnd = Math.min(head.length, choice.bomLength + LAYOUT_SAMPLE_BYTES);
  const layoutText = createChunkDecoder(choice.encoding).write(head.subarray(choice.bomLength, layoutEnd));
  const layout = sniffDelimitedText(layoutText, CSV_DELIMITERS, spec.quote, layoutEnd >= context.bytesTotal);
  // A `sep=;` first line says the delimiter and is no header: a declared delimiter of the plan still wins.
  const declared = excelSeparatorLine(layoutText, spec.quote);
  const delimiter = spec.delimiter === 'auto' ? (declared ?? layout.delimiter ?? ',') : spec.delimiter;

  const table = createDelimitedTable(context, { separatorRowsAreBlank: true });
  const multiline = createMultilineRecordTally(delimiter);
  let replacementSeen = false;
  const splitter = createCsvRowSplitter(
    { delimiter, newline: layout.newline, quote: spec.quote },
    {
      row: (values, raw, line) => {
        if (declared === undefined || line !== 1) table.row(values, raw, line, replacementSeen);
      },
      malformed: (raw, line, message) =>
        table.malformed(raw, line, `${message}; the line is rejected alone`, delimiter),
      // A header on several lines is no record.
      spansLines: (line, raw) => {
        if (table.hasHeader()) multiline.record(line, raw, table.width());
      },
    },
  );

  // A file read as UTF-8 under `auto` past its sample may hold legacy lines: decoded by blocks of lines, each line
  // that is not UTF-8 on its own. The others keep the one decoder of their encoding.
  const mixed =
    choice.legacyLines === undefined ? undefined : createUtf8WithLegacyLinesDecoder(choice.legacyLines);
  const decoder = mixed ?? createChunkDecoder(choice.encoding);
  // The mixed decoder loses nothing (a line that is not UTF-8 is read in a code page that decodes every byte), and
  // gives a line's text with a later chunk than its bytes: a U+FFFD it gives is one the file holds.
  const losses = mixed === undefined ? createDecodingLosses(choice.encoding) : undefined;
  let first = true;
  for await (const chunk of all) {
    const bytes = first && choice.bomLength > 0 ? chunk.subarray(choice.bomLength) : chunk;
    const text = decoder.write(bytes);
    // Rows are checked for U+FFFD only once invalid bytes have been decoded: a scan per row costs more than
    // papaparse's split, and a U+FFFD the file holds as a character is no decoding error.
    replacementSeen ||= losses?.add(bytes, text) ?? false;
    splitter.push(text);
    first = false;
    yield* table.take();
  }
  const tail = decoder.end();
  replacementSeen ||= losses?.add(Buffer.alloc(0), tail) ?? false;
  splitter.push(tail);
  splitter.end();
  const legacyLines = mixed?.notice(source);
  if (legacyLines !== undefined) context.notice(legacyLines);
  const multilineNotice = multiline.notice(source);
  if (multilineNotice !== undefined) context.notice(multilineNotice);
  yield* table.finish();
}

/** A CSV file streamed with papaparse: see DESIGN.md "Bad input" for what becomes a rejected record. */
export const csvSource = (spec: CsvSourceSpec, file: { path: string; relative: string }): RecordSource =>
  fileRecordSource(file, (context) => readCsv(spec, context));

import { createReadStream } from 'node:fs';
import { Transform, pipeline } from 'node:stream';
import type { z } from 'zod';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import type { xlsxSourceSchema } from '../../core/plan/plan-schema.js';
import type { RecordSource } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { SourceRecord } from '../../core/source-record.js';
import { createBlankLineTally } from './blank-line-tally.js';
import { EXTRA_FIELD, headerNames } from './delimited-record.js';
import { emptyFileNotice, fileRecordSource, type FileReadContext } from './file-record-source.js';
import { createBatcher } from './record-batcher.js';
import { cellText, type SharedStrings } from './xlsx-cell-text.js';
import { tapMergedRanges } from './xlsx-merged-ranges.js';
import { readSharedStrings } from './xlsx-packed-strings.js';
import { sheetRows } from './xlsx-sheet-rows.js';

export type XlsxSourceSpec = z.infer<typeof xlsxSourceSchema>;

/** What the streaming reader exposes beyond its typings (exceljs 4.4 sets these once workbook.xml is parsed). */
interface WorkbookReaderState {
  readonly model?: { readonly sheets?: readonly { readonly name: string }[] };
  readonly properties?: { readonly model?: { readonly date1904?: boolean } };
  /** The workbook's formats (styles: 'cache'), by a cell's `s`, once its styles part is read (its index has a model). */
  readonly styles?: {
    readonly index?: { readonly model?: unknown };
    getStyleModel(id: number): { readonly numFmt?: string } | null | undefined;
  };
  readonly sharedStrings?: SharedStrings;
}
/** A sheet as the reader gives it: its name and its XML, chunk by chunk, which cutover reads itself (sheetRows). */
interface WorksheetReaderState {
  readonly name?: string;
  iterator: AsyncIterable<Buffer | string>;
}

const columnLetters = (column: number): string => {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
};

/**
 * Reads one sheet with exceljs's streaming WorkbookReader: the zip is read as it comes, never the whole workbook,
 * and the sheet's XML is read by sheetRows (exceljs's own sheet reader failed on rows and cells without a
 * reference, took the last run of an inline string for its text, and cut UTF-8 characters at chunk ends). The first
 * row with a value is the header; every value is turned into text (see cellText).
 */
async function* readXlsxOnce(spec: XlsxSourceSpec, context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  // The abort signal is checked row by row rather than given to the file stream: exceljs pipes the stream into its
  // unzipper, and a pipe does not pass errors on, so an aborted file stream would leave the reader waiting forever.
  const file = createReadStream(context.path);
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      context.readBytes(chunk.length);
      done(null, chunk);
    },
  });
  pipeline(file, counted, () => {
    // A read error ends the workbook reader below, which reports it.
  });
  // Loaded here, not with the module: exceljs and its dependencies take about 0.3 s to load, which every command
  // paid, and every migration thread again, whether the plan reads a workbook or not.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookReader(counted, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles carry the number formats that tell a date from a number.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // Read as Excel means them (phonetic guides left out, _xHHHH_ escapes decoded), and packed: millions of distinct
  // texts (a large export's names and e-mails) as JavaScript strings took the process past 1 GiB.
  readSharedStrings(workbook);
  const state = workbook as unknown as WorkbookReaderState;
  const batcher = createBatcher(context.batchSize);
  const blanks = createBlankLineTally();
  const seenSheets: string[] = [];
  let sheetName: string | undefined;
  let recordNumber = 0;
  /** Formula cells without a computed value (a workbook saved without calculating). */
  let formulasWithoutValue = 0;
  let firstFormulaWithoutValue: string | undefined;
  let merged: ReturnType<typeof tapMergedRanges> | undefined;
  try {
    for await (const emitted of workbook) {
      const worksheet = emitted as unknown as WorksheetReaderState;
      const name = worksheet.name ?? `sheet ${seenSheets.length + 1}`;
      seenSheets.push(name);
      // The first sheet is the first tab (workbook order), which need not be the first part of the zip.
      const wanted = spec.sheet ?? state.model?.sheets?.[0]?.name ?? name;
      if (name !== wanted || sheetName !== undefined) {
        // Read through, not passed over: exceljs may have parked this sheet in a temporary file, whose read stream
        // it deletes the file under as soon as the next sheet is asked for. A stream not yet opened then fails
        // with ENOENT where nobody listens, and takes the process down (seen under load in the test suite).
        for await (const chunk of worksheet.iterator) void chunk;
        continue;
      }
      sheetName = name;
      merged = tapMergedRanges(worksheet);
      const date1904 = state.properties?.model?.date1904 === true;
      const strings = state.sharedStrings;
      // A workbook without a styles part has no formats: every number is a number.
      const styles = state.styles?.index?.model === undefined ? undefined : state.styles;
      const formats = new Map<number, string | undefined>();
      const formatOf = (style: number): string | undefined => {
        if (!formats.has(style)) formats.set(style, styles?.getStyleModel(style)?.numFmt);
        return formats.get(style);
      };
      let columns: string[] | undefined;
      let previousRow = 0;
      for await (const rows of sheetRows(worksheet.iterator, name)) {
        for (const row of rows) {
          context.signal?.throwIfAborted();
          // Rows the sheet does not hold at all, counted, not walked: a row numbered 900000000000000 is a few bytes.
          if (row.number > previousRow + 1) blanks.blanks(previousRow + 1, row.number - previousRow - 1);
          previousRow = row.number;
          const texts: string[] = [];
          let last = 0;
          for (const cell of row.cells) {
            if (cell.formula && cell.value === undefined) {
              formulasWithoutValue += 1;
              firstFormulaWithoutValue ??= `${columnLetters(cell.column)}${row.number}`;
            }
            let text: string;
            try {
              text = cellText(cell, formatOf(cell.style), date1904, strings);
            } catch (error) {
              const where = `sheet ${name}, cell ${columnLetters(cell.column)}${row.number}`;
              throw new Error(`${where}: ${messageOf(error)}`, { cause: error });
            }
            texts[cell.column - 1] = text;
            if (text !== '' && cell.column > last) last = cell.column;
          }
          if (last === 0) {
            blanks.blank(row.number);
            continue;
          }
          blanks.content();
          const location = { source, sheet: name, line: row.number };
          if (columns === undefined) {
            columns = headerNames(
              Array.from({ length: last }, (_, index) => texts[index] ?? ''),
              source,
              row.number,
              context.notice,
            );
            context.columns(columns);
            continue;
          }
          recordNumber += 1;
          const fields: Record<string, unknown> = {};
          columns.forEach((column, index) => {
            fields[column] = texts[index] ?? '';
          });
          if (last > columns.length) {
            // The cells right of the header that hold something, by column letter: a cell in column XFD would make an
            // array of 16,000 empty values (82 KB of raw record per row in the ledger).
            const extra: Record<string, string> = {};
            for (let index = columns.length; index < last; index++) {
              const text = texts[index];
              if (text !== undefined && text !== '') extra[columnLetters(index + 1)] = text;
            }
            fields[EXTRA_FIELD] = extra;
            batcher.push(
              {
                fields,
                location: { ...location, record: recordNumber },
                problem: {
                  reason: RejectReason.WRONG_COLUMN_COUNT,
                  message: `a value in column ${columnLetters(last)}, right of the header's last column ${columnLetters(columns.length)}`,
                },
              },
              columns.length + Object.keys(extra).length,
            );
          } else {
            batcher.push({ fields, location: { ...location, record: recordNumber } }, columns.length);
          }
          yield* batcher.take();
        }
      }
      // Not `break`: exceljs removes a sheet it parked in a temporary file (one that comes before the shared strings in
      // the zip, as Excel writes them) only when asked for what follows it; stopped here, the file stayed until the
      // process ended, one per workbook read, so a run over many dossiers' workbooks filled the temporary folder.
      // The sheets after this one are read through, as those before it were.
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    // Aborted while exceljs was failing on its own (the torn-down stream): the abort is what the caller asked for.
    context.signal?.throwIfAborted();
    throw new CutoverError(
      ErrorCode.SOURCE_FAILED,
      `${source}: cannot read the workbook: ${messageOf(error)}`,
      {
        cause: error,
        context: { file: source },
      },
    );
  } finally {
    file.destroy();
  }
  if (sheetName === undefined) {
    throw new CutoverError(
      ErrorCode.SOURCE_FAILED,
      spec.sheet === undefined
        ? `${source}: the workbook has no sheet`
        : `${source}: no sheet is named "${spec.sheet}"; the sheets are ${seenSheets.map((name) => `"${name}"`).join(', ')}`,
      { context: { file: source, ...(spec.sheet === undefined ? {} : { sheet: spec.sheet }) } },
    );
  }
  yield* batcher.finish();
  if (formulasWithoutValue > 0) {
    context.notice({
      code: 'XLSX_FORMULA_WITHOUT_VALUE',
      message: `${source} sheet ${sheetName}: ${formulasWithoutValue.toLocaleString('en-US')} formula cells have no computed value (a workbook saved without calculating), first ${firstFormulaWithoutValue}: read as empty`,
    });
  }
  const mergedRanges = merged?.ranges();
  if (mergedRanges !== undefined && mergedRanges.count > 0) {
    const { first, count } = mergedRanges;
    const more = count - first.length;
    context.notice({
      code: 'XLSX_MERGED_CELLS',
      message: `${source} sheet ${sheetName}: ${count.toLocaleString('en-US')} merged cell range${count === 1 ? '' : 's'} (${first.join(', ')}${more > 0 ? ` and ${more.toLocaleString('en-US')} more` : ''}): Excel keeps a merged range's value in its first cell only, so its other cells read as empty; unmerge and fill them in the workbook to give every row its value`,
    });
  }
  const blankNotice = blanks.notice(`${source} sheet ${sheetName}`);
  if (blankNotice !== undefined) context.notice(blankNotice);
  if (recordNumber === 0) context.notice(emptyFileNotice(`${source} sheet ${sheetName}`, 'has no data rows'));
}

/** Reads of one workbook before its failure is reported. */
const ATTEMPTS = 3;

/**
 * exceljs's streaming reader now and then loses the last part of the zip when the machine is busy (seen about once
 * in a hundred reads of a small workbook with both cores loaded; the same with exceljs alone, no cutover code): in a
 * workbook written by exceljs that part is the workbook index, and exceljs then fails on its own undefined model
 * with a TypeError before the first row. Such a failure, before any record was given out, is read again from the
 * start; a workbook that is not one (not a zip, a corrupt part) fails otherwise and is reported at once.
 */
async function* readXlsx(spec: XlsxSourceSpec, context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  for (let attempt = 1; ; attempt++) {
    let givenOut = false;
    try {
      for await (const batch of readXlsxOnce(spec, context)) {
        givenOut = true;
        yield batch;
      }
      return;
    } catch (error) {
      const exceljsSlip = error instanceof CutoverError && error.cause instanceof TypeError;
      if (givenOut || attempt >= ATTEMPTS || !exceljsSlip) throw error;
    }
  }
}

export const xlsxSource = (spec: XlsxSourceSpec, file: { path: string; relative: string }): RecordSource =>
  fileRecordSource(file, (context) => readXlsx(spec, context));

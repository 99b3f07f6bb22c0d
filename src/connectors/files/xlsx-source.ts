import type { Readable } from 'node:stream';
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
import { cellText } from './xlsx-cell-text.js';
import { PackedStrings, readSharedStringItems } from './xlsx-packed-strings.js';
import { sheetRows, type MergedRanges } from './xlsx-sheet-rows.js';
import {
  Relationships,
  StylesPart,
  WorkbookPart,
  ZipParts,
  relationshipsPart,
  scanPart,
} from './xlsx-workbook.js';

export type XlsxSourceSpec = z.infer<typeof xlsxSourceSchema>;

const columnLetters = (column: number): string => {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
};

/** A part the workbook needs that its zip does not hold. */
const missingPart = (source: string, what: string, part: string): CutoverError =>
  new CutoverError(
    ErrorCode.SOURCE_FAILED,
    `${source}: the workbook has no ${what} (${part} is not in the zip)`,
    {
      context: { file: source, part },
    },
  );

/**
 * The parts of a workbook a sheet is read with: found from the package's relationships (`_rels/.rels` names the
 * workbook part, its own relationships the sheets, styles and shared strings), each read whole before the sheet.
 */
const readWorkbookParts = async (zip: ZipParts, source: string) => {
  /** The zip's entry of a part the relationships name: a part named but missing stops the read. */
  const entryOf = (part: string, what: string) => {
    const entry = zip.entry(part);
    if (entry === undefined) throw missingPart(source, what, part);
    return entry;
  };
  const rootRelationships = new Relationships('');
  const root = zip.entry('_rels/.rels');
  if (root !== undefined) await scanPart(zip, '_rels/.rels', root, rootRelationships);
  const workbookPart = rootRelationships.ofType('officeDocument') ?? 'xl/workbook.xml';
  const workbookEntry = entryOf(workbookPart, 'workbook part');
  const relationshipsName = relationshipsPart(workbookPart);
  const relationshipsEntry = entryOf(relationshipsName, "workbook's relationships");
  const relationships = new Relationships(workbookPart);
  await scanPart(zip, relationshipsName, relationshipsEntry, relationships);
  const workbook = new WorkbookPart();
  await scanPart(zip, workbookPart, workbookEntry, workbook);
  const stylesName = relationships.ofType('styles');
  let styles: StylesPart | undefined;
  if (stylesName !== undefined) {
    styles = new StylesPart();
    await scanPart(zip, stylesName, entryOf(stylesName, 'styles part'), styles);
  }
  const stringsName = relationships.ofType('sharedStrings');
  let strings: PackedStrings | undefined;
  if (stringsName !== undefined) {
    const entry = entryOf(stringsName, 'shared-strings part');
    // Read as Excel means them (phonetic guides left out, _xHHHH_ escapes decoded), and packed: millions of
    // distinct texts (a large export's names and e-mails) as JavaScript strings took the process past 1 GiB.
    strings = new PackedStrings();
    await readSharedStringItems(await zip.stream(entry), strings);
  }
  return { workbookPart, relationships, workbook, styles, strings };
};

/**
 * Reads one sheet of a workbook. The zip is read at random with yauzl, from its central directory: the workbook's
 * relationships, its workbook part (the sheets in tab order, the date system), its styles (the number formats that
 * tell a date from a number) and its shared strings are read first, whatever order the zip holds them in, then the
 * sheet's part alone is streamed through sheetRows. The first row with a value is the header; every value is turned
 * into text (see cellText).
 */
async function* readXlsx(spec: XlsxSourceSpec, context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  context.signal?.throwIfAborted();
  const batcher = createBatcher(context.batchSize);
  const blanks = createBlankLineTally();
  let sheetName: string | undefined;
  let recordNumber = 0;
  /** Formula cells without a computed value (a workbook saved without calculating). */
  let formulasWithoutValue = 0;
  let firstFormulaWithoutValue: string | undefined;
  const merged: MergedRanges = { first: [], count: 0 };
  let zip: ZipParts | undefined;
  let sheetStream: Readable | undefined;
  let bytesCounted = 0;
  try {
    zip = await ZipParts.open(context.path);
    const { workbookPart, relationships, workbook, styles, strings } = await readWorkbookParts(zip, source);
    context.signal?.throwIfAborted();
    const sheets = workbook.sheets;
    // The first tab that is a worksheet (a chart sheet has no cells), else the first tab.
    const isWorksheet = (candidate: { id: string }) =>
      relationships.byId.get(candidate.id)?.type.endsWith('/worksheet') === true;
    const sheet =
      spec.sheet === undefined
        ? (sheets.find(isWorksheet) ?? sheets[0])
        : sheets.find((candidate) => candidate.name === spec.sheet);
    if (sheet === undefined) {
      throw new CutoverError(
        ErrorCode.SOURCE_FAILED,
        spec.sheet === undefined
          ? `${source}: the workbook has no sheet`
          : `${source}: no sheet is named "${spec.sheet}"; the sheets are ${sheets.map((candidate) => `"${candidate.name}"`).join(', ')}`,
        { context: { file: source, ...(spec.sheet === undefined ? {} : { sheet: spec.sheet }) } },
      );
    }
    const name = sheet.name;
    const part = relationships.byId.get(sheet.id)?.part;
    if (part === undefined) {
      throw new CutoverError(
        ErrorCode.SOURCE_FAILED,
        `${source}: sheet ${name} names no part of the workbook (its relationship "${sheet.id}" is not in ${relationshipsPart(workbookPart)})`,
        { context: { file: source, sheet: name } },
      );
    }
    const entry = zip.entry(part);
    if (entry === undefined) throw missingPart(source, `part for sheet ${name}`, part);
    sheetName = name;
    const date1904 = workbook.date1904;
    // Progress: the sheet's compressed bytes, told as its decompressed bytes come (the parts before it are small).
    const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 0;
    sheetStream = await zip.stream(entry);
    const counted = sheetStream;
    const chunks = (async function* () {
      for await (const chunk of counted) {
        const bytes = chunk as Buffer;
        const count = Math.round(bytes.length * ratio);
        bytesCounted += count;
        context.readBytes(count);
        yield bytes;
      }
    })();
    const formats = new Map<number, string | undefined>();
    const formatOf = (style: number): string | undefined => {
      if (!formats.has(style)) formats.set(style, styles?.format(style));
      return formats.get(style);
    };
    let columns: string[] | undefined;
    let previousRow = 0;
    for await (const rows of sheetRows(chunks, name, merged)) {
      for (const row of rows) {
        context.signal?.throwIfAborted();
        // Rows the sheet does not hold at all, counted, not walked: a row numbered 900000000000000 is a few bytes.
        if (row.number > previousRow + 1) blanks.blanks(previousRow + 1, row.number - previousRow - 1);
        previousRow = row.number;
        const texts: string[] = [];
        let last = 0;
        for (const cell of row.cells) {
          // No value, or an empty one where a text result is not meant (openpyxl writes `<v></v>`).
          if (cell.formula && (cell.value === undefined || (cell.value === '' && cell.type !== 'str'))) {
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
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    if (error instanceof CutoverError) throw error;
    // Aborted while a stream was failing as it was torn down: the abort is what the caller asked for.
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
    sheetStream?.destroy();
    zip?.close();
  }
  // The rest of the file (the parts read before the sheet, the zip's directory), once the sheet is read.
  context.readBytes(Math.max(0, context.bytesTotal - bytesCounted));
  yield* batcher.finish();
  if (formulasWithoutValue > 0) {
    context.notice({
      code: 'XLSX_FORMULA_WITHOUT_VALUE',
      message: `${source} sheet ${sheetName}: ${formulasWithoutValue.toLocaleString('en-US')} formula cells have no computed value (a workbook saved without calculating), first ${firstFormulaWithoutValue}: read as empty`,
    });
  }
  if (merged.count > 0) {
    const { first, count } = merged;
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

export const xlsxSource = (spec: XlsxSourceSpec, file: { path: string; relative: string }): RecordSource =>
  fileRecordSource(file, (context) => readXlsx(spec, context));

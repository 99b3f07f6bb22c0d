import { excelText } from './xlsx-cell-text.js';
import { AttributeCursor, XmlScanner, xmlText, type XmlHandler } from './xlsx-xml.js';

/** One cell of a sheet as its XML holds it, before it is made text (cellText). */
export interface SheetCell {
  /** 1 for column A. */
  readonly column: number;
  /** Its `t`: `s` (a shared string), `inlineStr`, `str` (a formula's text), `b`, `e`, `d`, or a number (`n`, absent). */
  readonly type: string | undefined;
  /** Its `s`: its format among the workbook's styles, 0 (the default) when absent. */
  readonly style: number;
  readonly formula: boolean;
  /**
   * Its `<v>` text, or for an inline string (`<is>`) the text of its `<t>` and of its runs' `<t>` (each with its
   * `_xHHHH_` escapes decoded, excelText), not that of its phonetic guide (`<rPh>`); undefined when it has neither.
   */
  readonly value: string | undefined;
}

export interface SheetRow {
  readonly number: number;
  /** In the order the sheet writes them. */
  readonly cells: SheetCell[];
}

/**
 * The merged ranges of a sheet (`<mergeCell ref="A2:A4"/>`, after the cell data): Excel keeps a merged range's
 * value in its top-left cell only, so the range's other cells read as empty, and a person should know why. The
 * first few by name, then a count.
 */
export interface MergedRanges {
  readonly first: string[];
  count: number;
}

/** Merged ranges kept by name; past them, a count. */
const MERGED_RANGES_KEPT = 5;

/** Excel's last column, XFD. */
const MAX_COLUMN = 16_384;
const ROW_NUMBER = /^[1-9][0-9]*$/;

/** The text being gathered: a `<v>`'s, an inline string's `<t>`'s, or none. */
type Capture = 'none' | 'value' | 'inline';

/**
 * The rows of a worksheet's cell data (`<sheetData>`). A row's `r` and a cell's `r` are optional (ECMA-376): a
 * row without one follows the row before (or takes the row its first cell names), a cell without one follows the
 * cell before it in its row, as spreadsheet programs read them (exceljs's streaming reader failed on such a sheet).
 */
class SheetRows implements XmlHandler {
  /** Rows read and not yet taken. */
  rows: SheetRow[] = [];
  private readonly attributes = new AttributeCursor();
  private previousRow = 0;
  private inRow = false;
  private rowNumber: number | undefined;
  private cells: SheetCell[] = [];
  private previousColumn = 0;
  private inCell = false;
  private column = 0;
  private type: string | undefined;
  private style = 0;
  private formula = false;
  private value: string | undefined;
  private inline: string | undefined;
  private capture: Capture = 'none';
  private captured = '';
  scanner: XmlScanner | undefined;

  constructor(
    private readonly sheet: string,
    private readonly merged: MergedRanges | undefined,
  ) {}

  take(): SheetRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  open(name: string, xml: string, start: number, end: number): void {
    const parent = this.scanner?.parent();
    switch (name) {
      case 'row':
        if (parent === 'sheetData') this.openRow(xml, start, end);
        break;
      case 'c':
        if (parent === 'row' && this.inRow) this.openCell(xml, start, end);
        break;
      case 'v':
        if (parent === 'c' && this.inCell) this.startCapture('value');
        break;
      case 'f':
        if (parent === 'c' && this.inCell) this.formula = true;
        break;
      case 'is':
        if (parent === 'c' && this.inCell) this.inline = '';
        break;
      case 'mergeCell':
        if (parent === 'mergeCells' && this.merged !== undefined) this.mergedRange(xml, start, end);
        break;
      case 't':
        // An inline string's text and its runs' (`<r><t>`); a phonetic guide's (`<rPh><t>`) is not the cell's.
        if (
          this.inline !== undefined &&
          (parent === 'is' || (parent === 'r' && this.scanner?.parent(1) === 'is'))
        )
          this.startCapture('inline');
        break;
      default:
        break;
    }
  }

  close(name: string): void {
    switch (name) {
      case 'v':
        if (this.capture === 'value') {
          this.value = this.captured;
          this.capture = 'none';
        }
        break;
      case 't':
        if (this.capture === 'inline') {
          // Excel's `_xHHHH_` escapes decoded in each <t> on its own, as Excel does (not across runs).
          this.inline += excelText(this.captured);
          this.capture = 'none';
        }
        break;
      case 'c':
        if (this.inCell && this.scanner?.parent() === 'row') this.closeCell();
        break;
      case 'row':
        if (this.inRow && this.scanner?.parent() === 'sheetData') this.closeRow();
        break;
      default:
        break;
    }
  }

  text(xml: string, start: number, end: number, cdata: boolean): void {
    if (this.capture !== 'none') this.captured += xmlText(xml.slice(start, end), cdata);
  }

  private startCapture(capture: Capture): void {
    this.capture = capture;
    this.captured = '';
  }

  private where(): string {
    return this.rowNumber === undefined
      ? `sheet ${this.sheet}, the row after row ${this.previousRow}`
      : `sheet ${this.sheet}, row ${this.rowNumber}`;
  }

  private mergedRange(xml: string, start: number, end: number): void {
    const merged = this.merged as MergedRanges;
    merged.count += 1;
    if (merged.first.length >= MERGED_RANGES_KEPT) return;
    const attributes = this.attributes.reset(xml, start, end);
    while (attributes.next()) if (attributes.name === 'ref') merged.first.push(attributes.value);
  }

  private openRow(xml: string, start: number, end: number): void {
    this.inRow = true;
    this.rowNumber = undefined;
    this.cells = [];
    this.previousColumn = 0;
    const attributes = this.attributes.reset(xml, start, end);
    while (attributes.next()) {
      if (attributes.name !== 'r') continue;
      if (!ROW_NUMBER.test(attributes.value)) {
        throw new Error(
          `sheet ${this.sheet}: a row numbered "${attributes.value}" (after row ${this.previousRow}), not a row number`,
        );
      }
      this.rowNumber = Number(attributes.value);
    }
  }

  private openCell(xml: string, start: number, end: number): void {
    this.inCell = true;
    this.type = undefined;
    this.style = 0;
    this.formula = false;
    this.value = undefined;
    this.inline = undefined;
    let reference: string | undefined;
    const attributes = this.attributes.reset(xml, start, end);
    while (attributes.next()) {
      switch (attributes.name) {
        case 'r':
          reference = attributes.value;
          break;
        case 's':
          this.style = Number(attributes.value) || 0;
          break;
        case 't':
          this.type = attributes.value;
          break;
        default:
          break;
      }
    }
    this.column = reference === undefined ? this.previousColumn + 1 : this.referencedColumn(reference);
    if (this.column > MAX_COLUMN) {
      throw new Error(
        `${this.where()}: a cell ${reference === undefined ? `after column ${MAX_COLUMN}` : `"${reference}"`} beyond column XFD, the last a sheet has`,
      );
    }
    this.previousColumn = this.column;
  }

  /** The column of a cell's reference (`B12`); the row it names numbers a row that has no `r`. */
  private referencedColumn(reference: string): number {
    let column = 0;
    let at = 0;
    for (; at < reference.length && at < 4; at++) {
      const code = reference.charCodeAt(at) & ~32; // upper case
      if (code < 65 || code > 90) break;
      column = column * 26 + code - 64;
    }
    const row = reference.slice(at);
    if (column === 0 || !ROW_NUMBER.test(row)) {
      throw new Error(`${this.where()}: a cell named "${reference}", not a cell reference such as B12`);
    }
    if (this.rowNumber === undefined && this.cells.length === 0) this.rowNumber = Number(row);
    return column;
  }

  private closeCell(): void {
    this.inCell = false;
    this.cells.push({
      column: this.column,
      // A cell holding an inline string is one, whatever its `t` says.
      type: this.inline === undefined ? this.type : 'inlineStr',
      style: this.style,
      formula: this.formula,
      value: this.inline ?? this.value,
    });
    this.inline = undefined;
  }

  private closeRow(): void {
    this.inRow = false;
    const number = this.rowNumber ?? this.previousRow + 1;
    this.previousRow = number;
    this.rows.push({ number, cells: this.cells });
  }
}

/**
 * Reads a worksheet's XML as it comes (chunks of bytes or text), giving the rows each chunk completes. `sheet`
 * names the sheet in the errors (a row or cell reference that is none, the XML cut short or malformed); `merged`,
 * when given, gathers the sheet's merged ranges as the same scan passes them.
 */
export async function* sheetRows(
  chunks: AsyncIterable<Buffer | string>,
  sheet: string,
  merged?: MergedRanges,
): AsyncGenerator<SheetRow[]> {
  const rows = new SheetRows(sheet, merged);
  const scanner = new XmlScanner(rows);
  rows.scanner = scanner;
  const fail = (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.startsWith(`sheet ${sheet}`) ? message : `sheet ${sheet}: ${message}`, {
      cause: error,
    });
  };
  for await (const chunk of chunks) {
    try {
      scanner.write(chunk);
    } catch (error) {
      fail(error);
    }
    if (rows.rows.length > 0) yield rows.take();
  }
  try {
    scanner.end();
  } catch (error) {
    fail(error);
  }
  if (rows.rows.length > 0) yield rows.take();
}

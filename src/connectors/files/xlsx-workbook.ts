import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AttributeCursor, XmlScanner, type XmlHandler } from './xlsx-xml.js';

/** A workbook's zip, read at random: its entries by name, found from its central directory. */
export class ZipParts {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: ReadonlyMap<string, yauzl.Entry>,
  ) {}

  /**
   * Opens the zip at `path` and indexes its entries by name (the central directory, at the end of the file, lists
   * them all: no part is missed whatever the order the entries were written in). A file that is no zip is an error.
   */
  static async open(path: string): Promise<ZipParts> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, opened) =>
        error === null ? resolve(opened) : reject(error),
      );
    });
    try {
      const entries = new Map<string, yauzl.Entry>();
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (entry: yauzl.Entry) => {
          // Part names are case-insensitive (OPC); a writer's own case is kept by the name's lower case.
          if (!entry.fileName.endsWith('/')) entries.set(entry.fileName.toLowerCase(), entry);
          zip.readEntry();
        });
        zip.once('end', () => resolve());
        zip.once('error', reject);
        zip.readEntry();
      });
      return new ZipParts(zip, entries);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** The entry of a part (`xl/workbook.xml`, no leading slash), if the zip has it. */
  entry(part: string): yauzl.Entry | undefined {
    return this.entries.get(part.toLowerCase());
  }

  /** A part's bytes as a stream, decompressed (its size and CRC checked at its end). */
  async stream(entry: yauzl.Entry): Promise<Readable> {
    return new Promise<Readable>((resolve, reject) => {
      this.zip.openReadStream(entry, (error, stream) => (error === null ? resolve(stream) : reject(error)));
    });
  }

  close(): void {
    this.zip.close();
  }
}

/**
 * The part a relationship's target names, from the part that holds the relationship: a target is relative to that
 * part's folder (`worksheets/sheet1.xml` from `xl/workbook.xml`), or absolute from the zip's root
 * (`/xl/worksheets/sheet1.xml`, as openpyxl writes it); `..` and `.` are resolved, `%20` decoded.
 */
export const resolvePart = (from: string, target: string): string => {
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    // Not percent-encoded after all: as written.
  }
  const segments = decoded.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const segment of decoded.split(/[/\\]/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
};

/** The relationships part of a part: `xl/_rels/workbook.xml.rels` for `xl/workbook.xml`. */
export const relationshipsPart = (part: string): string => {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
};

/** Runs a part's XML through a handler; XML cut short or malformed is an error naming the part. */
export const scanPart = async (
  zip: ZipParts,
  part: string,
  entry: yauzl.Entry,
  handler: XmlHandler & { scanner?: XmlScanner | undefined },
): Promise<void> => {
  const scanner = new XmlScanner(handler);
  handler.scanner = scanner;
  try {
    for await (const chunk of await zip.stream(entry)) scanner.write(chunk as Buffer);
    scanner.end();
  } catch (error) {
    throw new Error(`${part}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
};

export interface Relationship {
  readonly type: string;
  /** The part it names, resolved (resolvePart); undefined for an external target (a hyperlink's address). */
  readonly part: string | undefined;
}

/** A relationships part's `<Relationship>` elements, by Id. */
export class Relationships implements XmlHandler {
  readonly byId = new Map<string, Relationship>();
  private readonly attributes = new AttributeCursor();

  constructor(private readonly from: string) {}

  open(name: string, xml: string, start: number, end: number): void {
    if (name !== 'Relationship') return;
    let id = '';
    let type = '';
    let target = '';
    let external = false;
    const attributes = this.attributes.reset(xml, start, end);
    while (attributes.next()) {
      if (attributes.name === 'Id') id = attributes.value;
      else if (attributes.name === 'Type') type = attributes.value;
      else if (attributes.name === 'Target') target = attributes.value;
      else if (attributes.name === 'TargetMode') external = attributes.value === 'External';
    }
    this.byId.set(id, { type, part: external ? undefined : resolvePart(this.from, target) });
  }

  close(): void {}
  text(): void {}

  /** The part of the first relationship of a type (`…/relationships/styles`), by the type's last segment. */
  ofType(kind: string): string | undefined {
    for (const relationship of this.byId.values()) {
      if (relationship.part !== undefined && relationship.type.endsWith(`/${kind}`)) return relationship.part;
    }
    return undefined;
  }
}

export interface WorkbookSheet {
  readonly name: string;
  /** Its relationship's Id (`r:id`). */
  readonly id: string;
}

/** A workbook part: its sheets in tab order and its date system (`<workbookPr date1904>`, "1" or "true"). */
export class WorkbookPart implements XmlHandler {
  readonly sheets: WorkbookSheet[] = [];
  date1904 = false;
  scanner: XmlScanner | undefined;
  private readonly attributes = new AttributeCursor();

  open(name: string, xml: string, start: number, end: number): void {
    if (name === 'sheet' && this.scanner?.parent() === 'sheets') {
      let sheetName = '';
      let id = '';
      const attributes = this.attributes.reset(xml, start, end);
      while (attributes.next()) {
        if (attributes.name === 'name') sheetName = attributes.value;
        // r:id, whatever the prefix bound to the relationships namespace.
        else if (attributes.name.endsWith(':id')) id = attributes.value;
      }
      this.sheets.push({ name: sheetName, id });
    } else if (name === 'workbookPr') {
      const attributes = this.attributes.reset(xml, start, end);
      while (attributes.next()) {
        if (attributes.name === 'date1904') {
          const value = attributes.value.trim();
          this.date1904 = value === '1' || value === 'true';
        }
      }
    }
  }

  close(): void {}
  text(): void {}
}

const DATE = 'yyyy-mm-dd';
/** Read as a time of day when below 1, as a date (or date-time) from 1: what a format that is either is read as. */
const TIME_OR_DATE = 'h:mm:ss';

/**
 * The built-in number formats a style may name by id alone (ECMA-376 18.8.30), those that read other than as a
 * number: 14-22 and 45-47, and the East Asian ones (27-36, 50-58), whose codes depend on the locale Excel runs in
 * (27 is `[$-404]e/m/d` in Taiwan, `yyyy"年"m"月"` in China): dates in every locale, except 32-35 and 52-56, which
 * are times of day in some and dates in others, read as a time below 1 and as a date from 1.
 */
const BUILT_IN_FORMATS: ReadonlyMap<number, string> = new Map([
  [14, 'mm-dd-yy'],
  [15, 'd-mmm-yy'],
  [16, 'd-mmm'],
  [17, 'mmm-yy'],
  [18, 'h:mm AM/PM'],
  [19, 'h:mm:ss AM/PM'],
  [20, 'h:mm'],
  [21, 'h:mm:ss'],
  [22, 'm/d/yy h:mm'],
  [45, 'mm:ss'],
  [46, '[h]:mm:ss'],
  [47, 'mmss.0'],
  ...[27, 28, 29, 30, 31, 36, 50, 51, 57, 58].map((id): [number, string] => [id, DATE]),
  ...[32, 33, 34, 35, 52, 53, 54, 55, 56].map((id): [number, string] => [id, TIME_OR_DATE]),
]);

/**
 * A styles part's number formats by cell style (a cell's `s`, an index into `<cellXfs>`): each `<xf>`'s
 * `numFmtId`, its code from `<numFmts>` as written (backslashes and quotes kept, for cellText to read them as
 * literal text) or built in.
 */
export class StylesPart implements XmlHandler {
  scanner: XmlScanner | undefined;
  private readonly codes = new Map<number, string>();
  private readonly styleFormats: number[] = [];
  private readonly attributes = new AttributeCursor();

  open(name: string, xml: string, start: number, end: number): void {
    const parent = this.scanner?.parent();
    if (name === 'numFmt' && parent === 'numFmts') {
      let id = NaN;
      let code: string | undefined;
      const attributes = this.attributes.reset(xml, start, end);
      while (attributes.next()) {
        if (attributes.name === 'numFmtId') id = Number(attributes.value);
        else if (attributes.name === 'formatCode') code = attributes.value;
      }
      if (Number.isInteger(id) && code !== undefined) this.codes.set(id, code);
    } else if (name === 'xf' && parent === 'cellXfs') {
      let id = 0;
      const attributes = this.attributes.reset(xml, start, end);
      while (attributes.next()) {
        if (attributes.name === 'numFmtId') id = Number(attributes.value) || 0;
      }
      this.styleFormats.push(id);
    }
  }

  close(): void {}
  text(): void {}

  /** The number format of a cell style; undefined for General, a plain number format, or a style not defined. */
  format(style: number): string | undefined {
    const id = this.styleFormats[style];
    if (id === undefined) return undefined;
    return this.codes.get(id) ?? BUILT_IN_FORMATS.get(id);
  }
}

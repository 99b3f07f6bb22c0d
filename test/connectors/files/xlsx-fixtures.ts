import { writeFile } from 'node:fs/promises';
import JSZip from 'jszip';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOCUMENT = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

export interface XmlWorkbook {
  /** What goes inside the sheet's `<sheetData>`: its rows as written. */
  readonly rows: string;
  /** Each shared string's `<si>` content (`<t>text</t>`, runs, phonetic guides), in index order. */
  readonly sharedStrings?: readonly string[];
  /**
   * Number formats: the cell style `s="1"` has the first, `s="2"` the second, and so on (`s="0"` is General). A
   * code is written in `<numFmts>`; a number is a built-in format's id, named by the style alone.
   */
  readonly formats?: readonly (string | number)[];
  /** `<workbookPr date1904>`: true writes "1"; a text is written as given ("true", as LibreOffice writes it). */
  readonly date1904?: boolean | string;
  /** The sheet before the shared strings in the zip, as Excel writes it (the reader parks it); else after them. */
  readonly sheetFirst?: boolean;
  /** The sheet's name in the workbook (Feuil1 when not given). */
  readonly sheetName?: string;
  /** Relationship targets absolute from the zip's root (`/xl/worksheets/sheet1.xml`), as openpyxl writes them. */
  readonly absoluteTargets?: boolean;
  /**
   * The zip's entries in openpyxl's order: the sheet and shared strings first, then the styles, the workbook part
   * and the relationships last (a streaming reader meets the sheet before what tells how to read it).
   */
  readonly partsLast?: boolean;
  /** Parts left out of the zip (`xl/workbook.xml`), as a damaged or hand-made file would. */
  readonly omit?: readonly string[];
}

/**
 * Writes a workbook part by part, its XML as given: what exceljs's writer would never write (rows and cells without
 * a reference, phonetic guides, Excel's `_xHHHH_` escapes), the way other tools and Excel itself do.
 */
export const writeXmlWorkbook = async (file: string, workbook: XmlWorkbook): Promise<void> => {
  const { sharedStrings, formats } = workbook;
  const zip = new JSZip();
  const parts = new Map<string, string>();
  const add = (name: string, xml: string) => parts.set(name, xml);
  const root = workbook.absoluteTargets === true ? '/xl/' : 'xl/';
  const inXl = workbook.absoluteTargets === true ? '/xl/' : '';
  const date1904 =
    workbook.date1904 === undefined || workbook.date1904 === false
      ? ''
      : `<workbookPr date1904="${workbook.date1904 === true ? '1' : workbook.date1904}"/>`;
  const overrides = [
    ['/xl/workbook.xml', 'sheet.main'],
    ['/xl/worksheets/sheet1.xml', 'worksheet'],
    ...(sharedStrings === undefined ? [] : [['/xl/sharedStrings.xml', 'sharedStrings']]),
    ...(formats === undefined ? [] : [['/xl/styles.xml', 'styles']]),
  ];
  add(
    '[Content_Types].xml',
    `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides
      .map(
        ([part, type]) =>
          `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.${type}+xml"/>`,
      )
      .join('')}</Types>`,
  );
  add(
    '_rels/.rels',
    `${HEAD}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${DOCUMENT}/officeDocument" Target="${root}workbook.xml"/></Relationships>`,
  );
  add(
    'xl/workbook.xml',
    `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${DOCUMENT}">${date1904}<sheets><sheet name="${workbook.sheetName ?? 'Feuil1'}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  add(
    'xl/_rels/workbook.xml.rels',
    `${HEAD}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${DOCUMENT}/worksheet" Target="${inXl}worksheets/sheet1.xml"/>${sharedStrings === undefined ? '' : `<Relationship Id="rId2" Type="${DOCUMENT}/sharedStrings" Target="${inXl}sharedStrings.xml"/>`}${formats === undefined ? '' : `<Relationship Id="rId3" Type="${DOCUMENT}/styles" Target="${inXl}styles.xml"/>`}</Relationships>`,
  );
  if (formats !== undefined) {
    const id = (format: string | number, index: number) =>
      typeof format === 'number' ? format : 164 + index;
    const numFmts = formats
      .map((code, index) =>
        typeof code === 'number'
          ? ''
          : `<numFmt numFmtId="${id(code, index)}" formatCode="${code.replaceAll('"', '&quot;')}"/>`,
      )
      .join('');
    const xfs = formats
      .map(
        (format, index) =>
          `<xf numFmtId="${id(format, index)}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>`,
      )
      .join('');
    add(
      'xl/styles.xml',
      `${HEAD}<styleSheet xmlns="${MAIN}"><numFmts count="${formats.length}">${numFmts}</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${formats.length + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${xfs}</cellXfs></styleSheet>`,
    );
  }
  const sheet = `${HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${DOCUMENT}"><sheetData>${workbook.rows}</sheetData></worksheet>`;
  if (workbook.sheetFirst === true) add('xl/worksheets/sheet1.xml', sheet);
  if (sharedStrings !== undefined) {
    add(
      'xl/sharedStrings.xml',
      `${HEAD}<sst xmlns="${MAIN}" count="${sharedStrings.length}" uniqueCount="${sharedStrings.length}">${sharedStrings.map((item) => `<si>${item}</si>`).join('')}</sst>`,
    );
  }
  if (workbook.sheetFirst !== true) add('xl/worksheets/sheet1.xml', sheet);
  // Last, as Excel writes it: exceljs's streaming reader loses a small last part that follows a sheet it parked
  // (seen with the shared strings last: read as none).
  add(
    'docProps/app.xml',
    `${HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>cutover tests</Application></Properties>`,
  );
  const order = [...parts.keys()];
  if (workbook.partsLast === true) {
    const last = ['xl/styles.xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', '_rels/.rels'];
    order.sort((a, b) => last.indexOf(a) - last.indexOf(b));
  }
  for (const name of order) {
    if (!(workbook.omit ?? []).includes(name)) zip.file(name, parts.get(name) ?? '');
  }
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
};

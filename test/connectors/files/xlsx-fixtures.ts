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
  /** Number formats: the cell style `s="1"` has the first, `s="2"` the second, and so on (`s="0"` is General). */
  readonly formats?: readonly string[];
  readonly date1904?: boolean;
  /** The sheet before the shared strings in the zip, as Excel writes it (the reader parks it); else after them. */
  readonly sheetFirst?: boolean;
}

/**
 * Writes a workbook part by part, its XML as given: what exceljs's writer would never write (rows and cells without
 * a reference, phonetic guides, Excel's `_xHHHH_` escapes), the way other tools and Excel itself do.
 */
export const writeXmlWorkbook = async (file: string, workbook: XmlWorkbook): Promise<void> => {
  const { sharedStrings, formats } = workbook;
  const zip = new JSZip();
  const overrides = [
    ['/xl/workbook.xml', 'sheet.main'],
    ['/xl/worksheets/sheet1.xml', 'worksheet'],
    ...(sharedStrings === undefined ? [] : [['/xl/sharedStrings.xml', 'sharedStrings']]),
    ...(formats === undefined ? [] : [['/xl/styles.xml', 'styles']]),
  ];
  zip.file(
    '[Content_Types].xml',
    `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides
      .map(
        ([part, type]) =>
          `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.${type}+xml"/>`,
      )
      .join('')}</Types>`,
  );
  zip.file(
    '_rels/.rels',
    `${HEAD}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  zip.file(
    'xl/workbook.xml',
    `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${DOCUMENT}">${workbook.date1904 === true ? '<workbookPr date1904="1"/>' : ''}<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `${HEAD}<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/>${sharedStrings === undefined ? '' : `<Relationship Id="rId2" Type="${DOCUMENT}/sharedStrings" Target="sharedStrings.xml"/>`}${formats === undefined ? '' : `<Relationship Id="rId3" Type="${DOCUMENT}/styles" Target="styles.xml"/>`}</Relationships>`,
  );
  if (formats !== undefined) {
    const numFmts = formats
      .map(
        (code, index) => `<numFmt numFmtId="${164 + index}" formatCode="${code.replaceAll('"', '&quot;')}"/>`,
      )
      .join('');
    const xfs = formats
      .map(
        (_, index) =>
          `<xf numFmtId="${164 + index}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>`,
      )
      .join('');
    zip.file(
      'xl/styles.xml',
      `${HEAD}<styleSheet xmlns="${MAIN}"><numFmts count="${formats.length}">${numFmts}</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${formats.length + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${xfs}</cellXfs></styleSheet>`,
    );
  }
  const sheet = `${HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${DOCUMENT}"><sheetData>${workbook.rows}</sheetData></worksheet>`;
  if (workbook.sheetFirst === true) zip.file('xl/worksheets/sheet1.xml', sheet);
  if (sharedStrings !== undefined) {
    zip.file(
      'xl/sharedStrings.xml',
      `${HEAD}<sst xmlns="${MAIN}" count="${sharedStrings.length}" uniqueCount="${sharedStrings.length}">${sharedStrings.map((item) => `<si>${item}</si>`).join('')}</sst>`,
    );
  }
  if (workbook.sheetFirst !== true) zip.file('xl/worksheets/sheet1.xml', sheet);
  // Last, as Excel writes it: exceljs's streaming reader loses a small last part that follows a sheet it parked
  // (seen with the shared strings last: read as none).
  zip.file(
    'docProps/app.xml',
    `${HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>cutover tests</Application></Properties>`,
  );
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
};

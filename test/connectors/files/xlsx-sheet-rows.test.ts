import { describe, expect, it } from 'vitest';
import { sheetRows, type SheetRow } from '../../../src/connectors/files/xlsx-sheet-rows.js';

const read = async (chunks: readonly (Buffer | string)[]): Promise<SheetRow[]> => {
  const rows: SheetRow[] = [];
  const source = (async function* () {
    for (const chunk of chunks) yield await Promise.resolve(chunk);
  })();
  for await (const batch of sheetRows(source, 'S')) rows.push(...batch);
  return rows;
};

// What a parser must take as it is: a prefixed namespace, a comment, CDATA, entities and character references, a
// `>` in an attribute's value, single quotes, a CRLF in a value (XML reads it as LF), extLst data that is no cell's.
const SHEET =
  '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\r\n<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<x:sheetData><!-- <row r="9"> --><x:row r="1" spans="1:3"><x:c r="A1" t="inlineStr"><x:is><x:t>a &amp; b &lt;é&gt; &#233;&#x1F600;</x:t></x:is></x:c>' +
  '<x:c r=\'B1\' s="2" foo="x>y"><x:v>12.5</x:v></x:c><x:c r="C1" t="str"><x:f>"a"&amp;"b"</x:f><x:v><![CDATA[<ab>]]></x:v></x:c></x:row>' +
  '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>line\r\nnext</x:t></x:is></x:c><x:c t="b"><x:v>1</x:v></x:c>' +
  '<x:c r="E3"><x:f>SUM(A1)</x:f></x:c><x:c r="F3"><x:extLst><x:ext><x:v>9</x:v></x:ext></x:extLst></x:c></x:row>' +
  '<x:row/></x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>';

const EXPECTED: SheetRow[] = [
  {
    number: 1,
    cells: [
      { column: 1, type: 'inlineStr', style: 0, formula: false, value: 'a & b <é> é😀' },
      { column: 2, type: undefined, style: 2, formula: false, value: '12.5' },
      { column: 3, type: 'str', style: 0, formula: true, value: '<ab>' },
    ],
  },
  {
    number: 3,
    cells: [
      { column: 2, type: 'inlineStr', style: 0, formula: false, value: 'line\nnext' },
      { column: 3, type: 'b', style: 0, formula: false, value: '1' },
      { column: 5, type: undefined, style: 0, formula: true, value: undefined },
      { column: 6, type: undefined, style: 0, formula: false, value: undefined },
    ],
  },
  { number: 4, cells: [] },
];

describe('sheetRows', () => {
  it('reads cells as a parser would: namespaces, comments, CDATA, entities, quoted >, line ends', async () => {
    expect(await read([SHEET])).toEqual(EXPECTED);
  });

  it('reads the same rows wherever the chunks cut the XML, a character, tag, entity or CDATA', async () => {
    const bytes = Buffer.from(SHEET);
    for (let cut = 1; cut < bytes.length; cut++) {
      const rows = await read([bytes.subarray(0, cut), bytes.subarray(cut)]);
      if (JSON.stringify(rows) !== JSON.stringify(EXPECTED))
        expect({ cut, rows }).toEqual({ cut, rows: EXPECTED });
    }
    // And byte by byte.
    expect(await read([...bytes].map((byte) => Buffer.from([byte])))).toEqual(EXPECTED);
  });

  it('refuses XML cut short or malformed, naming the sheet', async () => {
    await expect(read([SHEET.slice(0, SHEET.indexOf('</x:sheetData>'))])).rejects.toThrow(
      'sheet S: the XML ends before </sheetData>',
    );
    await expect(read([SHEET.slice(0, SHEET.indexOf('<x:row/>') + 4)])).rejects.toThrow(
      'sheet S: the XML ends inside a tag',
    );
    await expect(read(['<worksheet><sheetData><row></c></sheetData></worksheet>'])).rejects.toThrow(
      'sheet S: malformed XML: </c> where </row> was expected',
    );
    await expect(read(['<worksheet><sheetData><row r="0"/></sheetData></worksheet>'])).rejects.toThrow(
      'sheet S: a row numbered "0" (after row 0), not a row number',
    );
    await expect(
      read(['<worksheet><sheetData><row r="2"><c r="XFE2"><v>1</v></c></row></sheetData></worksheet>']),
    ).rejects.toThrow('sheet S, row 2: a cell "XFE2" beyond column XFD, the last a sheet has');
  });
});

// The merged ranges follow the cell data; they are gathered by the same scan (before, by a tap of their own on the
// sheet's bytes, looking for the end of the cell data in every chunk).
describe('sheetRows and merged ranges', () => {
  const XML =
    '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' +
    '<mergeCells count="2"><mergeCell ref="B2:B4"/><mergeCell ref="A6:C6"/></mergeCells></worksheet>';

  /** The XML cut at the given offsets, as bytes or text, read through sheetRows gathering its merged ranges. */
  const mergedOf = async (xml: string, cuts: readonly number[], asText: boolean) => {
    const bounds = [0, ...cuts, xml.length];
    const chunks = bounds.slice(1).map((end, index) => {
      const part = xml.slice(bounds[index], end);
      return asText ? part : Buffer.from(part);
    });
    const source = (async function* () {
      for (const chunk of chunks) yield await Promise.resolve(chunk);
    })();
    const merged = { first: [] as string[], count: 0 };
    for await (const batch of sheetRows(source, 'S', merged)) void batch;
    return merged;
  };

  it('finds the merged ranges wherever the chunks cut the end of the cell data', async () => {
    const end = XML.indexOf('</sheetData>');
    for (const asText of [false, true]) {
      for (let cut = end - 2; cut <= end + '</sheetData>'.length + 2; cut++) {
        expect(await mergedOf(XML, [5, cut], asText), `cut at ${cut}`).toEqual({
          first: ['B2:B4', 'A6:C6'],
          count: 2,
        });
      }
    }
  });

  it('finds them when the XML comes a few bytes at a time, keeping the first five and counting the rest', async () => {
    const ranges = Array.from({ length: 8 }, (_, index) => `A${index + 2}:B${index + 2}`);
    const xml = `<worksheet><sheetData><row r="1"/></sheetData><mergeCells count="8">${ranges
      .map((ref) => `<mergeCell ref="${ref}"/>`)
      .join('')}</mergeCells></worksheet>`;
    for (const size of [1, 2, 3, 7]) {
      const cuts = Array.from({ length: Math.ceil(xml.length / size) - 1 }, (_, index) => (index + 1) * size);
      expect(await mergedOf(xml, cuts, false), `chunks of ${size}`).toEqual({
        first: ranges.slice(0, 5),
        count: 8,
      });
    }
  });

  it('finds none in a sheet without merged cells', async () => {
    const xml = '<worksheet><sheetData><row r="1"/></sheetData><pageMargins/></worksheet>';
    expect(await mergedOf(xml, [30], false)).toEqual({ first: [], count: 0 });
  });
});

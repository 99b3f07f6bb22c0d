import { describe, expect, it } from 'vitest';
import { tapMergedRanges } from '../../../src/connectors/files/xlsx-merged-ranges.js';

const XML =
  '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' +
  '<mergeCells count="2"><mergeCell ref="B2:B4"/><mergeCell ref="A6:C6"/></mergeCells></worksheet>';

/** The sheet's XML as exceljs's reader holds it, cut into chunks at the given offsets. */
const sheet = (xml: string, cuts: readonly number[], asText: boolean) => {
  const bounds = [0, ...cuts, xml.length];
  const chunks = bounds.slice(1).map((end, index) => {
    const part = xml.slice(bounds[index], end);
    return asText ? part : Buffer.from(part);
  });
  return {
    iterator: (async function* () {
      for (const chunk of chunks) yield await Promise.resolve(chunk);
    })(),
  };
};

const readThrough = async (worksheet: { iterator: AsyncIterable<Buffer | string> }) => {
  let xml = '';
  for await (const chunk of worksheet.iterator) xml += chunk.toString();
  return xml;
};

describe('tapMergedRanges', () => {
  it('finds the merged ranges wherever the chunks cut the end of the cell data, and passes every byte on', async () => {
    const end = XML.indexOf('</sheetData>');
    for (const asText of [false, true]) {
      for (let cut = end - 2; cut <= end + '</sheetData>'.length + 2; cut++) {
        const worksheet = sheet(XML, [5, cut], asText);
        const tap = tapMergedRanges(worksheet);
        expect(await readThrough(worksheet)).toBe(XML);
        expect(tap.ranges(), `cut at ${cut}`).toEqual(['B2:B4', 'A6:C6']);
      }
    }
  });

  it('finds none in a sheet without merged cells', async () => {
    const worksheet = sheet(
      '<worksheet><sheetData><row r="1"/></sheetData><pageMargins/></worksheet>',
      [30],
      false,
    );
    const tap = tapMergedRanges(worksheet);
    await readThrough(worksheet);
    expect(tap.ranges()).toEqual([]);
  });
});

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
        expect(tap.ranges(), `cut at ${cut}`).toEqual({ first: ['B2:B4', 'A6:C6'], count: 2 });
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
      const worksheet = sheet(xml, cuts, false);
      const tap = tapMergedRanges(worksheet);
      expect(await readThrough(worksheet)).toBe(xml);
      expect(tap.ranges(), `chunks of ${size}`).toEqual({ first: ranges.slice(0, 5), count: 8 });
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
    expect(tap.ranges()).toEqual({ first: [], count: 0 });
  });
});

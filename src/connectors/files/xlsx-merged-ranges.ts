const SHEET_DATA_END = '</sheetData>';
const MERGE_CELL = /<mergeCell\b[^>]*\bref="([^"]*)"/g;

/** What exceljs's streaming WorksheetReader keeps beyond its typings: the XML of the sheet, chunk by chunk. */
interface SheetXmlSource {
  iterator: AsyncIterable<Buffer | string>;
}

/**
 * The merged ranges of a sheet (`<mergeCell ref="A2:A4"/>`), which exceljs's streaming reader passes over: Excel
 * keeps a merged range's value in its top-left cell only, so the range's other cells read as empty, and a person
 * should know why. The sheet's XML is tapped as exceljs reads it, not read twice: the ranges follow the cell data
 * (`</sheetData>`), so the chunks before it are only searched for that end tag, and the little XML after it is kept
 * and searched once the sheet is read. `ranges()` gives them then.
 */
export const tapMergedRanges = (worksheet: object) => {
  const source = worksheet as SheetXmlSource;
  const chunks = source.iterator;
  let afterData = '';
  let found = false;
  let carry = '';
  async function* tapped(): AsyncGenerator<Buffer | string> {
    for await (const chunk of chunks) {
      if (found) {
        afterData += chunk.toString();
      } else {
        // Searched as text only near the end tag: a chunk is scanned as bytes, and the few characters either side
        // of its start (a tag cut between two chunks) as text.
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        const joined = carry + bytes.subarray(0, SHEET_DATA_END.length).toString('latin1');
        const across = joined.indexOf(SHEET_DATA_END);
        const at = across === -1 ? bytes.indexOf(SHEET_DATA_END) : -1;
        if (across !== -1) {
          found = true;
          afterData = bytes.subarray(across + SHEET_DATA_END.length - carry.length).toString();
        } else if (at !== -1) {
          found = true;
          afterData = bytes.subarray(at + SHEET_DATA_END.length).toString();
        } else {
          carry = bytes.subarray(Math.max(0, bytes.length - SHEET_DATA_END.length + 1)).toString('latin1');
        }
      }
      yield chunk;
    }
  }
  source.iterator = tapped();
  return {
    /** The merged ranges, in the sheet's order; complete once the sheet has been read. */
    ranges: (): string[] => [...afterData.matchAll(MERGE_CELL)].map((match) => match[1] ?? ''),
  };
};

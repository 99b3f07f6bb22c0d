const SHEET_DATA_END = '</sheetData>';
const MERGE_CELL = /<mergeCell\b[^>]*\bref="([^"]*)"/g;
/** Ranges kept by name for the notice; past them, a count. */
const RANGES_KEPT = 5;

/** A sheet being read: its XML, chunk by chunk. */
interface SheetXmlSource {
  iterator: AsyncIterable<Buffer | string>;
}

/**
 * The merged ranges of a sheet (`<mergeCell ref="A2:A4"/>`), which a reader of the cells passes over: Excel
 * keeps a merged range's value in its top-left cell only, so the range's other cells read as empty, and a person
 * should know why. The sheet's XML is tapped as it is read, not read twice: the ranges follow the cell data
 * (`</sheetData>`), so the chunks before it are only searched for that end tag (bytes, and the few characters either
 * side of a chunk's start, where a tag may be cut), and the XML after it is searched as it comes, holding no more
 * than an unfinished tag. `ranges()` gives the first few and the count once the sheet is read.
 */
export const tapMergedRanges = (worksheet: object) => {
  const source = worksheet as SheetXmlSource;
  const chunks = source.iterator;
  const first: string[] = [];
  let count = 0;
  let found = false;
  /** Before the end tag: its last characters, where the tag may begin. After: XML from the last unclosed `<`. */
  let carry = '';

  const searchAfterData = (text: string): void => {
    const xml = carry + text;
    // Every tag before the last `<` is whole (a ref holds no `<`); the rest waits for the next chunk.
    const cut = xml.lastIndexOf('<');
    const whole = cut === -1 ? xml : xml.slice(0, cut);
    carry = cut === -1 ? '' : xml.slice(cut);
    for (const match of whole.matchAll(MERGE_CELL)) {
      count += 1;
      if (first.length < RANGES_KEPT) first.push(match[1] ?? '');
    }
  };

  const searchForDataEnd = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const tag = SHEET_DATA_END.length;
    // A tag begun in the chunks before: the characters kept from them and this chunk's first few.
    const across = (carry + bytes.subarray(0, tag - 1).toString('latin1')).indexOf(SHEET_DATA_END);
    let after: number;
    if (across !== -1) after = across + tag - carry.length;
    else {
      const at = bytes.indexOf(SHEET_DATA_END);
      if (at === -1) {
        // A chunk shorter than the tag adds to what came before it.
        carry = (carry + bytes.subarray(-(tag - 1)).toString('latin1')).slice(-(tag - 1));
        return;
      }
      after = at + tag;
    }
    found = true;
    carry = '';
    searchAfterData(bytes.subarray(after).toString());
  };

  async function* tapped(): AsyncGenerator<Buffer | string> {
    for await (const chunk of chunks) {
      if (found) searchAfterData(chunk.toString());
      else searchForDataEnd(chunk);
      yield chunk;
    }
  }
  source.iterator = tapped();
  return {
    /** The first merged ranges, in the sheet's order, and how many there are; complete once the sheet is read. */
    ranges: (): { first: readonly string[]; count: number } => ({ first, count }),
  };
};

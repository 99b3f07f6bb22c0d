import { excelText } from './xlsx-cell-text.js';
import { XmlScanner, xmlText, type XmlHandler } from './xlsx-xml.js';

/** Bytes per block of packed text: a block is allocated whole, and a longer string gets a block of its own. */
const BLOCK_BYTES = 4 * 2 ** 20;

/**
 * A workbook's shared strings (each distinct text of its cells, once), packed as UTF-8 in large blocks with their
 * places in typed arrays: about 12 bytes per string plus its text, where exceljs's array of JavaScript strings
 * took about 75 bytes per string (5M distinct strings of a 1M-row export: 366 MB of heap, and the process past
 * 1 GiB).
 */
export class PackedStrings {
  private readonly blocks: Buffer[] = [];
  /** Bytes taken in the last block. */
  private used = 0;
  private block = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private size = new Uint32Array(1024);
  length = 0;

  push(value: string): number {
    const index = this.length;
    this.grow(index + 1);
    // At most 3 bytes of UTF-8 per UTF-16 unit: room checked without measuring the string first.
    const room = value.length * 3;
    if (this.blocks.length === 0 || this.used + room > BLOCK_BYTES) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(BLOCK_BYTES, room)));
      this.used = 0;
    }
    const target = this.blocks.length - 1;
    const bytes = this.blocks[target]!.write(value, this.used, 'utf8');
    this.block[index] = target;
    this.offset[index] = this.used;
    this.size[index] = bytes;
    this.used += bytes;
    this.length = index + 1;
    return this.length;
  }

  at(index: number): string | undefined {
    if (!(index >= 0 && index < this.length)) return undefined;
    const start = this.offset[index]!;
    return this.blocks[this.block[index]!]!.toString('utf8', start, start + this.size[index]!);
  }

  private grow(count: number): void {
    if (count <= this.block.length) return;
    const capacity = this.block.length * 2;
    const bigger = (old: Uint32Array) => {
      const next = new Uint32Array(capacity);
      next.set(old);
      return next;
    };
    this.block = bigger(this.block);
    this.offset = bigger(this.offset);
    this.size = bigger(this.size);
  }
}

/**
 * The items of a shared-strings part (`<sst><si>`), as Excel means them: an item's text is that of its `<t>` and of
 * its runs' `<t>` (`<r>`), not that of its phonetic guides (`<rPh>`, the furigana Excel keeps for Japanese typed
 * through an input method: 東京 read トウキョウ, as exceljs's reader took it), with Excel's `_xHHHH_` escapes
 * decoded (excelText) in each `<t>` on its own.
 */
class SharedStringItems implements XmlHandler {
  scanner: XmlScanner | undefined;
  private inItem = false;
  private capturing = false;
  private item = '';
  private captured = '';

  constructor(private readonly strings: PackedStrings) {}

  open(name: string): void {
    const parent = this.scanner?.parent();
    if (name === 'si') {
      if (parent === 'sst') {
        this.inItem = true;
        this.item = '';
      }
    } else if (name === 't' && this.inItem) {
      if (parent === 'si' || (parent === 'r' && this.scanner?.parent(1) === 'si')) {
        this.capturing = true;
        this.captured = '';
      }
    }
  }

  close(name: string): void {
    if (name === 't') {
      if (this.capturing) {
        // Each <t> decoded on its own, as Excel does: runs `a_` and `x0041_b` are `a_x0041_b`, not `aAb`.
        this.item += excelText(this.captured);
        this.capturing = false;
      }
    } else if (name === 'si' && this.inItem && this.scanner?.parent() === 'sst') {
      this.inItem = false;
      this.strings.push(this.item);
    }
  }

  text(xml: string, start: number, end: number, cdata: boolean): void {
    if (this.capturing) this.captured += xmlText(xml.slice(start, end), cdata);
  }
}

/** Reads a shared-strings part, chunk by chunk, into `strings`; XML cut short or malformed is an error. */
export const readSharedStringItems = async (
  chunks: AsyncIterable<Buffer | string>,
  strings: PackedStrings,
): Promise<void> => {
  const items = new SharedStringItems(strings);
  const scanner = new XmlScanner(items);
  items.scanner = scanner;
  try {
    for await (const chunk of chunks) scanner.write(chunk);
    scanner.end();
  } catch (error) {
    throw new Error(`the shared strings: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
};

/** Bytes per block of packed text: a block is allocated whole, and a longer string gets a block of its own. */
const BLOCK_BYTES = 4 * 2 ** 20;

/**
 * A workbook's shared strings (each distinct text of its cells, once), packed as UTF-8 in large blocks with their
 * places in typed arrays: about 12 bytes per string plus its text, where exceljs's array of JavaScript strings
 * took about 75 bytes per string (5M distinct strings of a 1M-row export: 366 MB of heap, and the process past
 * 1 GiB). Rich text (a string with formatting runs, rare) is kept as exceljs gives it.
 */
export class PackedStrings {
  private readonly blocks: Buffer[] = [];
  /** Bytes taken in the last block. */
  private used = 0;
  private block = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private size = new Uint32Array(1024);
  private readonly rich = new Map<number, unknown>();
  length = 0;

  push(value: unknown): number {
    const index = this.length;
    this.grow(index + 1);
    if (typeof value === 'string') {
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
    } else {
      this.rich.set(index, value);
    }
    this.length = index + 1;
    return this.length;
  }

  at(index: number): unknown {
    if (!(index >= 0 && index < this.length)) return undefined;
    if (this.rich.size > 0 && this.rich.has(index)) return this.rich.get(index);
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
 * Makes an exceljs streaming WorkbookReader (4.4) keep its shared strings packed. The reader sets
 * `this.sharedStrings = []` when it meets them, pushes each string, and the worksheet reader takes
 * `sharedStrings[index]` for each shared-string cell; until then it parks sheets that come first in the zip in
 * temporary files, seeing no shared strings. The property is taken over on this one reader: what it sets is replaced
 * by a PackedStrings, read by index through a Proxy.
 */
export const packSharedStrings = (reader: object): void => {
  let table: unknown;
  Object.defineProperty(reader, 'sharedStrings', {
    configurable: true,
    enumerable: true,
    get: () => table,
    set: (value: unknown) => {
      if (!Array.isArray(value)) {
        table = value;
        return;
      }
      const packed = new PackedStrings();
      for (const item of value) packed.push(item);
      const push = (item: unknown) => packed.push(item);
      // The reader only pushes, asks the length, and reads by index.
      table = new Proxy(packed, {
        get(target, key, receiver) {
          if (typeof key === 'string') {
            const first = key.charCodeAt(0);
            if (first >= 48 && first <= 57) return target.at(Number(key));
            if (key === 'push') return push;
          }
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    },
  });
};

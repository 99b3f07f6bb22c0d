/** FNV-1a over UTF-16 code units: cheap, and spread well enough for a table that compares the units on a hit. */
export const hashUnits = (units: Uint16Array, length: number): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < length; index++) hash = Math.imul(hash ^ units[index]!, 0x01000193);
  return hash >>> 0;
};

/**
 * A set of strings kept as UTF-16 code units in typed arrays, outside the JavaScript heap's objects. A dry run remembers
 * every source key it has read, to find a repeated key as the target's unique index would: a million keys in a
 * `Set<string>` are a million strings that outlive every young-generation collection, each copied and promoted,
 * which cost a dry run of 1M contacts about 0.5 s of its migration thread's 4.4-5.8 s. Here a key costs its code
 * units and two numbers, and the collector sees a few large arrays. Code units, not UTF-8: two strings are the same
 * key exactly when a Set would say so (UTF-8 would make every lone surrogate one U+FFFD).
 */
export class KeySet {
  /** Open addressing: each slot holds an entry's number + 1, 0 when empty. Size a power of two, at most half full. */
  private slots = new Uint32Array(1024);
  /** Per entry: the hash of its units, and where they start in `units` (they end where the next entry's start). */
  private hashes = new Uint32Array(512);
  private starts = new Uint32Array(513);
  private units = new Uint16Array(1 << 14);
  private count = 0;
  /** The probed key's code units, copied once per call. */
  private scratch = new Uint16Array(256);

  /** `hash`: FNV-1a; the tests give a poor one, to show that keys of equal hash are still told apart. */
  constructor(private readonly hash: (units: Uint16Array, length: number) => number = hashUnits) {}

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    this.copy(key);
    return this.find(this.hash(this.scratch, key.length) >>> 0, key.length) >= 0;
  }

  /** Adds the key; false when it was there already. */
  add(key: string): boolean {
    this.copy(key);
    const length = key.length;
    const hash = this.hash(this.scratch, length) >>> 0;
    if (this.find(hash, length) >= 0) return false;
    if ((this.count + 1) * 2 > this.slots.length) this.growSlots();
    if (this.count + 1 >= this.hashes.length) this.growEntries();
    const start = this.starts[this.count]!;
    if (start + length > this.units.length) this.growUnits(start + length);
    this.units.set(this.scratch.subarray(0, length), start);
    this.hashes[this.count] = hash;
    this.starts[this.count + 1] = start + length;
    this.place(hash, this.count);
    this.count++;
    return true;
  }

  private copy(key: string): void {
    if (key.length > this.scratch.length) this.scratch = new Uint16Array(key.length * 2);
    for (let index = 0; index < key.length; index++) this.scratch[index] = key.charCodeAt(index);
  }

  /** The entry holding the scratch's first `length` units, or -1. */
  private find(hash: number, length: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) return -1;
      const entry = held - 1;
      if (this.hashes[entry] === hash && this.sameUnits(entry, length)) return entry;
    }
  }

  private sameUnits(entry: number, length: number): boolean {
    const start = this.starts[entry]!;
    if (this.starts[entry + 1]! - start !== length) return false;
    for (let index = 0; index < length; index++)
      if (this.units[start + index] !== this.scratch[index]) return false;
    return true;
  }

  private place(hash: number, entry: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private growSlots(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    for (let entry = 0; entry < this.count; entry++) this.place(this.hashes[entry]!, entry);
  }

  private growEntries(): void {
    const hashes = new Uint32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const starts = new Uint32Array(hashes.length + 1);
    starts.set(this.starts);
    this.starts = starts;
  }

  private growUnits(needed: number): void {
    let size = this.units.length * 2;
    while (size < needed) size *= 2;
    const units = new Uint16Array(size);
    units.set(this.units.subarray(0, this.starts[this.count]));
    this.units = units;
  }
}

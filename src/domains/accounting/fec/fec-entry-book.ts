/**
 * The entries of a FEC, tallied while its lines stream by: one Map from entry key to a slot, and columns of typed
 * arrays for the slots (sum of cents, first and last line, date…). A million entries cost a few tens of megabytes
 * and no object per line; the lines of an entry are kept only when they are not one run of consecutive lines.
 */

/** A line's place: file index × 2^32 + physical line number, so one number orders and locates it. */
export const FILE_STRIDE = 2 ** 32;
export const lineLocation = (fileIndex: number, line: number): number => fileIndex * FILE_STRIDE + line;
export const fileIndexOf = (location: number): number => Math.floor(location / FILE_STRIDE);
export const lineOf = (location: number): number => location % FILE_STRIDE;

export const EntryFlag = {
  /** An amount of the entry could not be read (counted as 0). */
  UNREADABLE_AMOUNT: 1,
  /** Its lines carry different EcritureDate. */
  DATES_DIFFER: 2,
  /** Its lines are not one run of consecutive lines. */
  SCATTERED: 4,
} as const;

export interface EntryBook {
  /**
   * Adds a line to its entry (created on first sight); returns the entry's slot. Entries are found per journal
   * (one Map per journal, keyed by the rest of the entry key): three times faster than one Map keyed by a
   * concatenated string, measured over a million entries.
   */
  add(
    /** The entry key without its journal: EcritureNum, or PieceRef + EcritureDate. */
    key: string,
    cents: number,
    location: number,
    date: number,
    validDate: number,
    journal: number,
    number: number,
  ): number;
  /** Adds a line to an entry already known by its slot (the next line of the same entry skips the Map). */
  addTo(slot: number, cents: number, location: number, date: number, validDate: number): void;
  flag(slot: number, flag: number): void;
  /** Amounts with more than two decimals, kept exactly beside the cents. */
  addExact(slot: number, value: string, add: (a: string, b: string) => string): void;
  readonly size: () => number;
  /** The key an entry was added with (not meant for the hot path: the first call builds a reverse index). */
  readonly keyOf: (slot: number) => string;
  readonly sum: (slot: number) => number;
  readonly exact: (slot: number) => string | undefined;
  readonly flags: (slot: number) => number;
  readonly first: (slot: number) => number;
  readonly date: (slot: number) => number;
  readonly validDate: (slot: number) => number;
  readonly journal: (slot: number) => number;
  readonly number: (slot: number) => number;
  readonly lineCount: (slot: number) => number;
  /** The entry's line locations, in the order read. */
  locations(slot: number, max: number): number[];
}

export const createEntryBook = (): EntryBook => {
  const slotsByJournal: (Map<string, number> | undefined)[] = [];
  /**
   * EcritureNum is nearly always a small integer: per journal, an array indexed by its value finds the entry
   * without hashing a string (the Map lookups were the largest cost on 5 million lines). It holds slot + 1 (0:
   * none). The text decides identity, so `01` and `1` stay two entries: the digits' count is checked, and a
   * mismatch goes to the Map.
   */
  const denseByJournal: (Int32Array | undefined)[] = [];
  let denseTotal = 0;
  let keyLengths = new Uint8Array(0);
  let keysBySlot: string[] | undefined;
  let capacity = 0;
  let size = 0;
  let sums = new Float64Array(0);
  let firsts = new Float64Array(0);
  let lasts = new Float64Array(0);
  let counts = new Int32Array(0);
  let dates = new Int32Array(0);
  let validDates = new Int32Array(0);
  let journals = new Int32Array(0);
  let numbers = new Float64Array(0);
  let flags = new Uint8Array(0);
  const scattered = new Map<number, number[]>();
  const exacts = new Map<number, string>();

  const grow = () => {
    capacity = Math.max(1024, capacity * 2);
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    sums = copy(sums, new Float64Array(capacity));
    firsts = copy(firsts, new Float64Array(capacity));
    lasts = copy(lasts, new Float64Array(capacity));
    counts = copy(counts, new Int32Array(capacity));
    dates = copy(dates, new Int32Array(capacity));
    validDates = copy(validDates, new Int32Array(capacity));
    journals = copy(journals, new Int32Array(capacity));
    numbers = copy(numbers, new Float64Array(capacity));
    flags = copy(flags, new Uint8Array(capacity));
    keyLengths = copy(keyLengths, new Uint8Array(capacity));
  };

  /** The journal's dense array grown to hold `value`, or undefined when that would cost too much memory. */
  const denseFor = (journal: number, value: number): Int32Array | undefined => {
    const dense = denseByJournal[journal];
    if (dense !== undefined && value < dense.length) return dense;
    // Numbers far beyond the entry count (`2023000123`) or too many sparse journals: the Map is cheaper.
    const wanted = Math.max(1024, (dense?.length ?? 0) * 2, value + 1);
    if (value > 4 * (size + 65536) || denseTotal + wanted - (dense?.length ?? 0) > 32_000_000)
      return undefined;
    const grown = new Int32Array(wanted);
    if (dense !== undefined) grown.set(dense);
    denseTotal += wanted - (dense?.length ?? 0);
    denseByJournal[journal] = grown;
    return grown;
  };

  /** The value of a key of 1 to 9 digits, else -1. */
  const digitsValue = (key: string): number => {
    const length = key.length;
    if (length === 0 || length > 9) return -1;
    let value = 0;
    for (let index = 0; index < length; index += 1) {
      const digit = key.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) return -1;
      value = value * 10 + digit;
    }
    return value;
  };

  const newSlot = (
    cents: number,
    location: number,
    date: number,
    validDate: number,
    journal: number,
    number: number,
  ): number => {
    if (size === capacity) grow();
    const slot = size;
    size += 1;
    sums[slot] = cents;
    firsts[slot] = location;
    lasts[slot] = location;
    counts[slot] = 1;
    dates[slot] = date;
    validDates[slot] = validDate;
    journals[slot] = journal;
    numbers[slot] = number;
    return slot;
  };

  return {
    add(key, cents, location, date, validDate, journal, number) {
      const value = digitsValue(key);
      const dense = value >= 0 ? denseFor(journal, value) : undefined;
      if (dense !== undefined) {
        const held = (dense[value] as number) - 1;
        if (held < 0) {
          const slot = newSlot(cents, location, date, validDate, journal, number);
          dense[value] = slot + 1;
          keyLengths[slot] = key.length;
          return slot;
        }
        if (keyLengths[held] === key.length) {
          this.addTo(held, cents, location, date, validDate);
          return held;
        }
      }
      let slots = slotsByJournal[journal];
      if (slots === undefined) slotsByJournal[journal] = slots = new Map();
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = newSlot(cents, location, date, validDate, journal, number);
        slots.set(key, slot);
        return slot;
      }
      this.addTo(slot, cents, location, date, validDate);
      return slot;
    },
    addTo(slot, cents, location, date, validDate) {
      sums[slot] = (sums[slot] as number) + cents;
      const last = lasts[slot] as number;
      if (location !== last + 1) {
        let list = scattered.get(slot);
        if (list === undefined) {
          // Until now the lines were the run first..last: written out once, then every further line appended.
          list = [];
          for (let at = firsts[slot] as number; at <= last; at += 1) list.push(at);
          scattered.set(slot, list);
          flags[slot] = (flags[slot] as number) | EntryFlag.SCATTERED;
        }
        list.push(location);
      } else if (((flags[slot] as number) & EntryFlag.SCATTERED) !== 0) {
        scattered.get(slot)?.push(location);
      }
      lasts[slot] = location;
      counts[slot] = (counts[slot] as number) + 1;
      // An unreadable date (-1) is reported on its own line; it does not make the entry's dates differ.
      if (date > 0) {
        const known = dates[slot] as number;
        if (known <= 0) dates[slot] = date;
        else if (date !== known) flags[slot] = (flags[slot] as number) | EntryFlag.DATES_DIFFER;
      }
      if (validDate > (validDates[slot] as number)) validDates[slot] = validDate;
    },
    flag(slot, flag) {
      flags[slot] = (flags[slot] as number) | flag;
    },
    addExact(slot, value, add) {
      const before = exacts.get(slot);
      exacts.set(slot, before === undefined ? value : add(before, value));
    },
    size: () => size,
    keyOf: (slot) => {
      if (keysBySlot === undefined || keysBySlot.length < size) {
        const keys: string[] = new Array<string>(size);
        for (const slots of slotsByJournal) for (const [key, at] of slots ?? []) keys[at] = key;
        for (let at = 0; at < size; at += 1) {
          const length = keyLengths[at] as number;
          // A key held in a dense array is digits only, so its sequence number is its value: written back with
          // its leading zeros.
          if (length > 0) keys[at] = String(numbers[at]).padStart(length, '0');
        }
        keysBySlot = keys;
      }
      return keysBySlot[slot] ?? '';
    },
    sum: (slot) => sums[slot] as number,
    exact: (slot) => exacts.get(slot),
    flags: (slot) => flags[slot] as number,
    first: (slot) => firsts[slot] as number,
    date: (slot) => dates[slot] as number,
    validDate: (slot) => validDates[slot] as number,
    journal: (slot) => journals[slot] as number,
    number: (slot) => numbers[slot] as number,
    lineCount: (slot) => counts[slot] as number,
    locations(slot, max) {
      const list = scattered.get(slot);
      if (list !== undefined) return list.slice(0, max);
      const out: number[] = [];
      const first = firsts[slot] as number;
      const last = Math.min(lasts[slot] as number, first + max - 1);
      for (let at = first; at <= last; at += 1) out.push(at);
      return out;
    },
  };
};

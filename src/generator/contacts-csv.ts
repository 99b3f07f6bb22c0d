import { CutoverError, ErrorCode } from '../core/errors.js';
import { dayOf, formatDay } from './calendar.js';
import { contactColumns } from './crm-contacts.js';
import { asciiSlug, firstNames, jobTitles, lastNames, mailDomains, towns } from './french-data.js';
import { createRandom } from './random.js';
import { openTextSink } from './text-sink.js';

/** The CRM contact columns without references to other files and without personal data beyond contact details. */
export const benchmarkContactColumns = contactColumns.filter(
  (column) => !['company_id', 'owner_id', 'birth_date', 'opt_in'].includes(column),
);

export interface WriteContactsCsvOptions {
  readonly rows: number;
  readonly seed: number;
  readonly path: string;
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const firstDay = dayOf(2015, 1, 1);

/** Every value a row can hold, encoded once. */
const tables = {
  firstNames: firstNames.map(utf8),
  lastNames: lastNames.map(utf8),
  firstSlugs: firstNames.map((name) => utf8(`${asciiSlug(name)}.`)),
  lastSlugs: lastNames.map((name) => utf8(asciiSlug(name))),
  domains: mailDomains.map((domain) => utf8(`@${domain},`)),
  /** Titles with no comma or quote: this file is plain CSV that never needs quoting. */
  titles: jobTitles.filter((title) => !/[",;]/.test(title)).map((title) => utf8(`${title},`)),
  towns: towns.map(([postcode, city]) => utf8(`${postcode},${city},`)),
  days: Array.from({ length: 3653 }, (_, offset) => utf8(`${formatDay(firstDay + offset, 'iso')} `)),
};

const CHUNK_BYTES = 1 << 20;
/** Far more than the longest row, so a row never overflows a chunk. */
const ROW_ROOM = 1024;
const ZERO = 48;

/**
 * The benchmark input: a clean UTF-8 contacts file (comma, LF, no defects, unique contact_id, created_at as
 * `yyyy-MM-dd HH:mm:ss`) of any size, with flat memory.
 *
 * Built for speed (about 900,000 rows/s on a 2-core machine, so a benchmark measures the migration and not
 * this): each value is drawn from tables encoded to UTF-8 once, and rows are assembled into 1 MB chunks handed
 * to the file stream with backpressure. No string is built per row: concatenating one per row left the
 * garbage collector most of the work (230,000 rows/s).
 */
export const writeContactsCsv = async (options: WriteContactsCsvOptions): Promise<{ bytes: number }> => {
  const { rows, seed } = options;
  if (!Number.isInteger(rows) || rows < 0) {
    throw new CutoverError(ErrorCode.USAGE, `rows must be a whole number, got ${rows}`);
  }
  const random = createRandom(seed, 'contacts-benchmark');
  const draw = (count: number): number => (random.next() * count) | 0;
  const pick = (table: readonly Uint8Array[]): Uint8Array => table[draw(table.length)] ?? new Uint8Array();
  const idWidth = Math.max(7, String(rows).length);
  const sink = openTextSink(options.path);
  await sink.write(`${benchmarkContactColumns.join(',')}\n`);

  let out = Buffer.allocUnsafe(CHUNK_BYTES + ROW_ROOM);
  let at = 0;
  const put = (bytes: Uint8Array): void => {
    out.set(bytes, at);
    at += bytes.length;
  };
  const byte = (code: number): void => {
    out[at++] = code;
  };
  const twoDigits = (value: number): void => {
    out[at++] = ZERO + ((value / 10) | 0);
    out[at++] = ZERO + (value % 10);
  };
  /** `0X XX XX XX XX`, a French number with its prefix digit. */
  const phone = (prefix: number): void => {
    byte(ZERO);
    byte(ZERO + prefix);
    for (let pair = 0; pair < 4; pair++) {
      byte(32);
      twoDigits(draw(100));
    }
    byte(44);
  };

  for (let row = 1; row <= rows; row++) {
    byte(67); // C
    for (let position = idWidth - 1, rest = row; position >= 0; position--, rest = (rest / 10) | 0) {
      out[at + position] = ZERO + (rest % 10);
    }
    at += idWidth;
    byte(44);
    const first = draw(firstNames.length);
    const last = draw(lastNames.length);
    put(tables.firstNames[first] ?? new Uint8Array());
    byte(44);
    put(tables.lastNames[last] ?? new Uint8Array());
    byte(44);
    put(tables.firstSlugs[first] ?? new Uint8Array());
    put(tables.lastSlugs[last] ?? new Uint8Array());
    if (draw(4) === 0) twoDigits(draw(100));
    put(pick(tables.domains));
    phone(1 + draw(5));
    phone(6 + draw(2));
    put(pick(tables.titles));
    put(pick(tables.towns));
    put(pick(tables.days));
    twoDigits(8 + draw(11));
    byte(58);
    twoDigits(draw(60));
    byte(58);
    twoDigits(draw(60));
    byte(10);
    if (at >= CHUNK_BYTES) {
      const wait = sink.writeBytes(out.subarray(0, at));
      // The stream keeps the chunk until written: the next rows go to a new one.
      out = Buffer.allocUnsafe(CHUNK_BYTES + ROW_ROOM);
      at = 0;
      if (wait) await wait;
    }
  }
  if (at > 0) await sink.writeBytes(out.subarray(0, at));
  return { bytes: await sink.close() };
};

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSqlSource, type SqlSourceOptions } from '../../../src/connectors/sql/open-sql-source.js';
import { ErrorCode } from '../../../src/core/errors.js';
import type { SqlSourceSpec } from '../../../src/core/plan/plan-schema.js';
import { failureOf, firstBatch, readAll } from './read-source.js';

/** A database prepared for one test file, with its own schema, database or file. */
export interface SqlFixture {
  /** The source's `url` as a plan writes it. */
  readonly url: string;
  readonly baseDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Schema (or MySQL database) the suite's tables are qualified with; none for SQLite. */
  readonly schema: string | undefined;
  /** Runs setup SQL written with `?` placeholders. */
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Connections to the source's database open right now, as the server (or, for SQLite, the OS) sees them. */
  openConnections(): Promise<number>;
  teardown(): Promise<void>;
}

/** One dialect under the shared suite. */
export interface SqlHarness {
  readonly type: SqlSourceSpec['type'];
  readonly columnTypes: {
    readonly integer: string;
    readonly text: string;
    readonly decimal: string;
    readonly date: string;
    readonly boolean: string;
    readonly bigint: string;
    readonly binary: string;
    readonly timestamp: string;
  };
  quote(name: string): string;
  setup(): Promise<SqlFixture>;
}

const rowCount = 12_000;
const insertChunk = 1000;
const columns = ['id', 'group', 'name', 'amount', 'born', 'active', 'big', 'photo', 'note', 'updated_at'];

/** Row 1 carries the values that break naive drivers; the others are plain and predictable. */
const fixtureRow = (id: number): unknown[] => [
  id,
  `D${id % 3}`,
  id === 1 ? 'Élodie Øster-Müller 😀' : `name ${id}`,
  id === 1 ? '12345678901234.56' : `${id}.25`,
  '1987-03-01',
  id % 2 === 0,
  id === 1 ? '9007199254740993' : String(id * 1000),
  Buffer.from([0, 1, 2, 255]),
  id === 1 ? null : 'x',
  '2024-03-01 08:30:00',
];

const range = (from: number, to: number, step = 1): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, index) => from + index * step);

/** The same behaviour proved on every dialect, against a real database. */
export const describeSqlSource = (harness: SqlHarness, available: boolean): void => {
  describe.skipIf(!available)(`${harness.type} source (shared SQL source suite)`, () => {
    let fixture: SqlFixture;
    let contacts: string;
    const savedTimeZone = process.env.TZ;
    const q = (name: string) => harness.quote(name);

    const open = (spec: Partial<SqlSourceSpec>, options: Partial<SqlSourceOptions> = {}) =>
      openSqlSource(
        { type: harness.type, url: fixture.url, table: contacts, ...spec },
        { baseDir: fixture.baseDir, keyColumns: ['id'], env: fixture.env, ...options },
      );

    const expectNoOpenConnection = () =>
      vi.waitFor(async () => expect(await fixture.openConnections()).toBe(0), {
        timeout: 5000,
        interval: 50,
      });

    beforeAll(async () => {
      // East of Greenwich, a DATE read as a JS Date at local midnight prints as the day before.
      process.env.TZ = 'Europe/Paris';
      fixture = await harness.setup();
      contacts = fixture.schema === undefined ? 'contacts' : `${fixture.schema}.contacts`;
      const t = harness.columnTypes;
      const types = [
        t.integer,
        t.text,
        t.text,
        t.decimal,
        t.date,
        t.boolean,
        t.bigint,
        t.binary,
        t.text,
        t.timestamp,
      ];
      await fixture.exec(
        `CREATE TABLE ${contacts} (${columns.map((column, index) => `${q(column)} ${types[index] ?? ''}`).join(', ')})`,
      );
      // Inserted in reverse key order into a table without primary key: the storage order is the opposite of
      // the key order, so only the source's ORDER BY can give key order.
      for (let last = rowCount; last > 0; last -= insertChunk) {
        const ids = range(last - insertChunk + 1, last).reverse();
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        await fixture.exec(
          `INSERT INTO ${contacts} (${columns.map(q).join(', ')}) VALUES ${ids.map(() => tuple).join(', ')}`,
          ids.flatMap(fixtureRow),
        );
      }
    });

    afterAll(async () => {
      await fixture?.teardown();
      if (savedTimeZone === undefined) delete process.env.TZ;
      else process.env.TZ = savedTimeZone;
    });

    it('streams every row in key order, in batches of the default 5000 (5000/5000/2000)', async () => {
      const batches = await readAll(open({}));
      expect(batches.map((batch) => batch.length)).toEqual([5000, 5000, 2000]);
      const records = batches.flat();
      expect(records.map((record) => record.fields.id)).toEqual(range(1, rowCount));
      expect(records.map((record) => record.location.record)).toEqual(range(1, rowCount));
      expect(records[rowCount - 1]?.location).toEqual({ source: contacts, record: rowCount, key: '12000' });
    });

    it('keeps values exact: decimal and bigint as text, DATE the same day, UTF-8, boolean, NULL, binary as base64', async () => {
      const [first, second] = await firstBatch(open({}), { batchSize: 2 });
      expect(first?.fields).toEqual({
        id: 1,
        group: 'D1',
        name: 'Élodie Øster-Müller 😀',
        amount: '12345678901234.56',
        born: '1987-03-01',
        active: false,
        big: '9007199254740993',
        photo: 'AAEC/w==',
        note: null,
        updated_at: '2024-03-01T08:30:00',
      });
      expect(second?.fields).toMatchObject({ id: 2, amount: '2.25', active: true, big: '2000', note: 'x' });
    });

    it('wraps a query to order and filter it, the filter pushed down as a parameter', async () => {
      const query = `SELECT id, ${q('group')}, name FROM ${contacts} WHERE id <= 30 -- only the first rows`;
      const records = (await readAll(open({ table: undefined, query }), { batchSize: 4 })).flat();
      expect(records.map((record) => record.fields.id)).toEqual(range(1, 30));
      // The result's columns, as the plan's column check sees them: the query's, not the table's.
      const wrapped = open({ table: undefined, query });
      expect(wrapped.columns?.()).toBe(undefined);
      await readAll(wrapped, { batchSize: 4 });
      expect(wrapped.columns?.()).toEqual(['id', 'group', 'name']);
      const filtered = (
        await readAll(open({ table: undefined, query }, { filter: { column: 'group', values: ['D1'] } }))
      ).flat();
      expect(filtered.map((record) => record.fields.id)).toEqual(range(1, 28, 3));
      expect(filtered[1]).toEqual({
        fields: { id: 4, group: 'D1', name: 'name 4' },
        location: { source: 'query', record: 2, key: '4' },
      });
      const injected = open({}, { filter: { column: 'group', values: ["D1' OR '1'='1"] } });
      expect((await readAll(injected)).flat()).toEqual([]);
    });

    it('says EMPTY_SOURCE when the whole table or query has no rows, as a file says EMPTY_FILE, but not for a dossier', async () => {
      const empty = open({ table: undefined, query: `SELECT * FROM ${contacts} WHERE ${q('id')} < 0` });
      expect((await readAll(empty)).flat()).toEqual([]);
      expect(empty.notices?.().map((notice) => notice.code)).toEqual(['EMPTY_SOURCE']);
      expect(empty.notices?.()[0]?.message).toMatch(/ query "SELECT .*" has no rows: no records$/);
      // One dossier with no rows in a table that has some is nothing to say; a full read says nothing either.
      const noDossier = open({}, { filter: { column: 'group', values: ['D9'] } });
      expect((await readAll(noDossier)).flat()).toEqual([]);
      expect(noDossier.notices?.()).toEqual([]);
      const full = open({});
      await readAll(full);
      expect(full.notices?.()).toEqual([]);
    });

    it('filters a table to one dossier', async () => {
      const records = (await readAll(open({}, { filter: { column: 'group', values: ['D2'] } }))).flat();
      expect(records).toHaveLength(rowCount / 3);
      expect(records.every((record) => record.fields.group === 'D2')).toBe(true);
    });

    it('orders composite keys column by column and joins them with | in location.key', async () => {
      const batch = await firstBatch(open({}, { keyColumns: ['group', 'id'] }), { batchSize: 3 });
      expect(batch.map((record) => record.location.key)).toEqual(['D0|3', 'D0|6', 'D0|9']);
    });

    it('orders by orderBy when the plan gives one, instead of the key', async () => {
      // big is id × 1000 except for row 1, whose big is the largest: ordered by big, row 2 comes first.
      const batch = await firstBatch(open({ orderBy: ['big'] }), { batchSize: 2 });
      expect(batch.map((record) => record.location.key)).toEqual(['2', '3']);
    });

    it('closes its connection when the reader stops early', async () => {
      // A connection an earlier test destroyed can linger a moment in the server's process list.
      await expectNoOpenConnection();
      for await (const batch of open({}).read({ batchSize: 1000 })) {
        expect(batch).toHaveLength(1000);
        expect(await fixture.openConnections()).toBe(1);
        break;
      }
      await expectNoOpenConnection();
    });

    it('fails with SOURCE_FAILED naming a missing table, and closes the connection', async () => {
      const error = await failureOf(() => readAll(open({ table: `${contacts}_missing` })));
      expect(error.code).toBe(ErrorCode.SOURCE_FAILED);
      expect(error.message).toContain(`table ${contacts}_missing`);
      await expectNoOpenConnection();
    });

    it('refuses as a plan error a key column the table lacks, naming it and the columns there are', async () => {
      const error = await failureOf(() => readAll(open({}, { keyColumns: ['no_such_column'] })));
      expect(error.code).toBe(ErrorCode.PLAN_INVALID);
      expect(error.message).toContain(
        `table ${contacts} has no column "no_such_column" (read by the key); its columns are "id", "group", "name"`,
      );
      await expectNoOpenConnection();
    });

    it('refuses as a plan error a query whose result lacks the key column, before the database sorts on it', async () => {
      const query = `SELECT name FROM ${contacts}`;
      const error = await failureOf(() => readAll(open({ table: undefined, query })));
      expect(error.code).toBe(ErrorCode.PLAN_INVALID);
      expect(error.message).toContain('has no column "id" (read by the key); its columns are "name".');
      await expectNoOpenConnection();
    });

    it('refuses as a plan error a key column missing from a result ordered by another column', async () => {
      const query = `SELECT name FROM ${contacts}`;
      const source = open({ table: undefined, query, orderBy: ['name'] });
      const error = await failureOf(() => readAll(source));
      expect(error.code).toBe(ErrorCode.PLAN_INVALID);
      expect(error.message).toContain('has no column "id" (read by the key)');
    });

    it('refuses a query the database cannot parse as a mistake of the plan, keeping the query in the error', async () => {
      const error = await failureOf(() =>
        readAll(open({ table: undefined, query: `SELEC name FROM ${contacts}` })),
      );
      expect(error.code).toBe(ErrorCode.PLAN_INVALID);
      expect(error.message).toContain('SELEC name');
      await expectNoOpenConnection();
    });
  });
};

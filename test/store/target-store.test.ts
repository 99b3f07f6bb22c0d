import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonNumber } from '../../src/core/json-text.js';
import { targetColumns } from '../../src/store/target/target-ddl.js';
import type { LoadCheckpoint, TargetRow, TargetStore } from '../../src/store/target/target-store.js';
import { openTargetStore, targetVariants } from '../support/stores.js';

const companyColumns = targetColumns('company').map((column) => column.name);
const company = (sourceKey: string, name: string): TargetRow => ({
  sourceKey,
  values: companyColumns.map((column) => (column === 'name' ? name : column === 'employees' ? 12 : null)),
});
const contactColumns = targetColumns('contact').map((column) => column.name);
const contact = (
  sourceKey: string,
  companyId: number | null,
  birth: string | null = '1990-01-03',
): TargetRow => ({
  sourceKey,
  values: contactColumns.map((column) =>
    column === 'last_name'
      ? `Name ${sourceKey}`
      : column === 'company_id'
        ? companyId
        : column === 'birth_date'
          ? birth
          : column === 'opt_in'
            ? true
            : null,
  ),
});
const checkpoint = (
  runId: string,
  recordsRead: number,
  loaded: number,
  mode: 'insert' | 'upsert' = 'insert',
): LoadCheckpoint => ({
  runId,
  recordsRead,
  loaded,
  skipped: 0,
  rejected: 0,
  repeats: 0,
  mode,
  done: false,
  updated: 0,
  unchanged: 0,
});

for (const dialect of targetVariants) {
  describe.runIf(dialect.available)(`target store on ${dialect.name}`, () => {
    let target: TargetStore;
    let cleanup: () => Promise<void>;
    let dropColumn: (table: string, column: string) => Promise<void>;
    beforeEach(async () => {
      const opened = await openTargetStore(dialect.name);
      ({ target, cleanup } = opened);
      dropColumn = opened.dropColumn;
    });
    afterEach(async () => cleanup());

    const write = (
      rows: TargetRow[],
      cp: LoadCheckpoint,
      mode: 'insert' | 'upsert' = 'insert',
      entity: 'company' | 'contact' = 'company',
    ) => {
      const duplicates: string[] = [];
      return target
        .writeBatch({
          dossier: 'D1',
          entity,
          runId: cp.runId,
          mode,
          rows,
          checkpoint: cp,
          onDuplicates: (found) => {
            duplicates.push(...found.map((row) => row.sourceKey));
            return Promise.resolve();
          },
        })
        .then((result) => ({ ...result, keys: duplicates }));
    };

    it('writes rows and their checkpoint together, and resolves source keys to target ids', async () => {
      await write([company('C1', 'Acme'), company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      expect(await target.checkpoint('D1', 'company')).toEqual(checkpoint('r1', 2, 2));
      const ids = await target.resolveKeys('company', 'D1', ['C1', 'C2', 'C9']);
      expect([...ids.keys()].sort()).toEqual(['C1', 'C2']);
      expect(await target.resolveKeys('company', 'OTHER', ['C1'])).toEqual(new Map());
      expect(await target.countRows('company', 'D1')).toBe(2);
    });

    it("tallies one run's rows of a dossier and entity: their count and their ids added up", async () => {
      await write(
        [company('C1', 'Acme'), company('C2', 'Bolt'), company('C3', 'Cord')],
        checkpoint('r1', 3, 3),
      );
      await write([company('C2', 'Bolt')], checkpoint('r2', 1, 1), 'upsert');
      const ids = await target.resolveKeys('company', 'D1', ['C1', 'C2', 'C3']);
      expect(await target.runRowsTally('company', 'D1', 'r1')).toEqual({
        rows: 2,
        idSum: BigInt(ids.get('C1')! + ids.get('C3')!),
      });
      expect(await target.runRowsTally('company', 'D1', 'r2')).toEqual({
        rows: 1,
        idSum: BigInt(ids.get('C2')!),
      });
      expect(await target.runRowsTally('company', 'D1', 'r9')).toEqual({ rows: 0, idSum: 0n });
      expect(await target.runRowsTally('company', 'OTHER', 'r1')).toEqual({ rows: 0, idSum: 0n });
    });

    it('resolves only the rows one run wrote when asked (the rows its finishLoad keeps)', async () => {
      await write([company('C1', 'Acme'), company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      await write([company('C2', 'Bolt')], checkpoint('r2', 1, 1), 'upsert');
      expect([...(await target.resolveKeys('company', 'D1', ['C1', 'C2'], 'r2')).keys()]).toEqual(['C2']);
      expect([...(await target.resolveKeys('company', 'D1', ['C1', 'C2'])).keys()].sort()).toEqual([
        'C1',
        'C2',
      ]);
    });

    it('stores a dossier attribute holding a JSON object with its nested numbers as numbers, exactly as written', async () => {
      const geo = { zip: new JsonNumber('75001'), lat: new JsonNumber('48.850'), code: '75001' };
      await target.upsertDossiers([{ id: 'D1', name: null, attributes: { geo, siren: '732829320' } }]);
      const dossier = await target.readDossier('D1');
      // Read back through JSON.parse: 48.850 is the number 48.85, and "75001" stays a string.
      expect(dossier?.attributes).toEqual({
        geo: { zip: 75001, lat: 48.85, code: '75001' },
        siren: '732829320',
      });
    });

    it('keeps a dossier and a run whose names hold quotes, backslashes and semicolons, in rows and checkpoint', async () => {
      const dossier = "O'Brien \\ Fils; DROP TABLE x --";
      const runId = "run 'r1' \\n;";
      await target.writeBatch({
        dossier,
        entity: 'company',
        runId,
        mode: 'insert',
        rows: [company('C1', 'Acme')],
        checkpoint: checkpoint(runId, 1, 1),
        onDuplicates: () => Promise.resolve(),
      });
      expect(await target.checkpoint(dossier, 'company')).toEqual(checkpoint(runId, 1, 1));
      const rows = [];
      for await (const batch of target.readRows('company', dossier)) rows.push(...batch);
      expect(rows.map((row) => [row.sourceKey, row.runId, row.values.name])).toEqual([['C1', runId, 'Acme']]);
    });

    it('names a duplicate source key of the same run, inside a batch and across batches, and counts it rejected', async () => {
      const first = await write([company('C1', 'Acme'), company('C1', 'Acme again')], checkpoint('r1', 2, 2));
      expect(first).toMatchObject({ duplicates: 1, keys: ['C1'] });
      const second = await write(
        [company('C1', 'Acme third'), company('C3', 'Cyan')],
        checkpoint('r1', 4, 3),
      );
      expect(second).toMatchObject({ duplicates: 1, keys: ['C1'] });
      expect(await target.checkpoint('D1', 'company')).toMatchObject({
        recordsRead: 4,
        loaded: 2,
        rejected: 1,
      });
      const rows = [];
      for await (const batch of target.readRows('company', 'D1')) rows.push(...batch);
      expect(rows.map((row) => [row.sourceKey, row.values.name])).toEqual([
        ['C1', 'Acme'],
        ['C3', 'Cyan'],
      ]);
    });

    it('updates rows of an earlier run in upsert mode, keeps their ids, and removes rows the new run did not load', async () => {
      await write([company('C1', 'Acme'), company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      const before = await target.resolveKeys('company', 'D1', ['C1']);
      await target.finishLoad('D1', 'company', checkpoint('r1', 2, 2));
      const result = await write([company('C1', 'Acme SA')], checkpoint('r2', 1, 1, 'upsert'), 'upsert');
      expect(result.duplicates).toBe(0);
      expect(await target.finishLoad('D1', 'company', checkpoint('r2', 1, 1, 'upsert'))).toEqual({
        removed: 1,
      });
      expect(await target.resolveKeys('company', 'D1', ['C1', 'C2'])).toEqual(before);
      expect(await target.checkpoint('D1', 'company')).toMatchObject({ runId: 'r2', done: true });
    });

    it('counts in upsert mode the rows of an earlier run it updated or found unchanged, in its result and its checkpoint, batch after batch; a new row or a duplicate is neither', async () => {
      const rows = [company('C1', 'Acme'), company('C2', 'Bolt'), company('C3', 'Cyan')];
      await write(rows, checkpoint('r1', 3, 3));
      await target.finishLoad('D1', 'company', checkpoint('r1', 3, 3));
      const ids = await target.resolveKeys('company', 'D1', ['C1', 'C2', 'C3']);
      const first = await write(
        [company('C1', 'Acme'), company('C2', 'Bolt SA'), company('C4', 'Dune'), company('C1', 'Acme')],
        checkpoint('r2', 4, 4, 'upsert'),
        'upsert',
      );
      expect(first).toMatchObject({ duplicates: 1, keys: ['C1'], updated: 1, unchanged: 1 });
      expect(await target.checkpoint('D1', 'company')).toMatchObject({
        loaded: 3,
        rejected: 1,
        updated: 1,
        unchanged: 1,
      });
      // The next batch's checkpoint carries the counts so far; the write adds its own.
      const second = await write(
        [company('C3', 'Cyan')],
        { ...checkpoint('r2', 5, 4, 'upsert'), rejected: 1, updated: 1, unchanged: 1 },
        'upsert',
      );
      expect(second).toMatchObject({ duplicates: 0, updated: 0, unchanged: 1 });
      expect(await target.checkpoint('D1', 'company')).toMatchObject({ loaded: 4, updated: 1, unchanged: 2 });
      const after = await target.resolveKeys('company', 'D1', ['C1', 'C2', 'C3', 'C4']);
      expect([after.get('C1'), after.get('C2'), after.get('C3')]).toEqual([
        ids.get('C1'),
        ids.get('C2'),
        ids.get('C3'),
      ]);
      const loaded = [];
      for await (const batch of target.readRows('company', 'D1')) loaded.push(...batch);
      expect(loaded.map((row) => [row.sourceKey, row.values.name, row.runId])).toEqual([
        ['C1', 'Acme', 'r2'],
        ['C2', 'Bolt SA', 'r2'],
        ['C3', 'Cyan', 'r2'],
        ['C4', 'Dune', 'r2'],
      ]);
    });

    it('gives the new rows of a re-run the ids that follow the last one given, spending none on the rows already there', async () => {
      await write(
        [company('C1', 'Acme'), company('C2', 'Bolt'), company('C3', 'Cyan')],
        checkpoint('r1', 3, 3),
      );
      await target.finishLoad('D1', 'company', checkpoint('r1', 3, 3));
      const last = Math.max(...(await target.resolveKeys('company', 'D1', ['C1', 'C2', 'C3'])).values());
      await write(
        [company('C1', 'Acme'), company('C2', 'Bolt SA'), company('C3', 'Cyan'), company('C4', 'Dune')],
        checkpoint('r2', 4, 4, 'upsert'),
        'upsert',
      );
      expect((await target.resolveKeys('company', 'D1', ['C4'])).get('C4')).toBe(last + 1);
    });

    it('names a duplicate in a re-run batch of two keys that differ by a lone surrogate alone (both stored as U+FFFD)', async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      await target.finishLoad('D1', 'company', checkpoint('r1', 1, 1));
      const result = await write(
        [company('K\uD800', 'Kite'), company('C1', 'Acme'), company('K\uD801', 'Kiln')],
        checkpoint('r2', 3, 3, 'upsert'),
        'upsert',
      );
      expect(result).toMatchObject({ duplicates: 1, keys: ['K\uD801'], updated: 0, unchanged: 1 });
      const rows = [];
      for await (const batch of target.readRows('company', 'D1')) rows.push(...batch);
      expect(rows.map((row) => [row.sourceKey, row.values.name])).toEqual([
        ['C1', 'Acme'],
        ['K\uFFFD', 'Kite'],
      ]);
    });

    it('starts a load over: its checkpoint back to nothing read in upsert mode, its rows kept with their ids, and those not read again removed at the end', async () => {
      await write([company('C1', 'Acme'), company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      const before = await target.resolveKeys('company', 'D1', ['C1', 'C2']);
      await target.restartLoad('D1', 'company', 'r1');
      expect(await target.checkpoint('D1', 'company')).toEqual(checkpoint('r1', 0, 0, 'upsert'));
      // Rows written before the restart are no longer this run's, for the lookups of its children.
      expect(await target.resolveKeys('company', 'D1', ['C1', 'C2'], 'r1')).toEqual(new Map());
      const result = await write([company('C1', 'Acme SA')], checkpoint('r1', 1, 1, 'upsert'), 'upsert');
      expect(result.duplicates).toBe(0);
      expect(await target.finishLoad('D1', 'company', checkpoint('r1', 1, 1, 'upsert'))).toEqual({
        removed: 1,
      });
      expect(await target.resolveKeys('company', 'D1', ['C1', 'C2'])).toEqual(
        new Map([['C1', before.get('C1')]]),
      );
    });

    it('lists the loads begun and not finished, and no longer once finished', async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      expect(await target.unfinishedLoads()).toEqual([{ dossier: 'D1', entity: 'company' }]);
      await target.finishLoad('D1', 'company', checkpoint('r1', 1, 1));
      expect(await target.unfinishedLoads()).toEqual([]);
    });

    it("lists a run's loads, done or not, until another run begins them", async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      await target.finishLoad('D1', 'company', { ...checkpoint('r1', 1, 1), done: true });
      await target.beginLoad('D2', 'company', 'r1', 'insert');
      await target.beginLoad('D1', 'contact', 'r0', 'insert');
      expect(await target.runLoads('r1')).toEqual([
        { dossier: 'D1', entity: 'company' },
        { dossier: 'D2', entity: 'company' },
      ]);
      await target.beginLoad('D1', 'company', 'r2', 'upsert');
      expect(await target.runLoads('r1')).toEqual([{ dossier: 'D2', entity: 'company' }]);
    });

    it('finds every duplicate in a large batch, whichever group of rows it falls in, and keeps the rows around it', async () => {
      // 95 rows: several statements' worth of rows and a remainder; repeats early, late, and of each other.
      const keys = Array.from({ length: 95 }, (_, index) => `K${index}`);
      keys[30] = 'K3';
      keys[31] = 'K3';
      keys[94] = 'K50';
      const rows = keys.map((key, index) => company(key, `Name ${index}`));
      const result = await write(rows, checkpoint('r1', 95, 95));
      expect(result).toMatchObject({ duplicates: 3, keys: ['K3', 'K3', 'K50'] });
      const loaded = [];
      for await (const batch of target.readRows('company', 'D1')) loaded.push(...batch);
      expect(loaded).toHaveLength(92);
      const names = new Map(loaded.map((row) => [row.sourceKey, row.values.name]));
      expect(names.get('K3')).toBe('Name 3');
      expect(names.get('K50')).toBe('Name 50');
      expect(names.get('K29')).toBe('Name 29');
      expect(names.get('K32')).toBe('Name 32');
      expect(names.get('K93')).toBe('Name 93');
    });

    it('moves the checkpoint for a batch with no row (every record of it rejected)', async () => {
      await write([], { ...checkpoint('r1', 10, 0), rejected: 10 });
      expect(await target.checkpoint('D1', 'company')).toMatchObject({ recordsRead: 10, rejected: 10 });
    });

    it('empties in upsert mode the columns a new run leaves empty in every row of its batch', async () => {
      const rows = Array.from({ length: 25 }, (_, index) => contact(`P${index}`, null));
      await write(rows, checkpoint('r1', 25, 25), 'insert', 'contact');
      await target.finishLoad('D1', 'contact', checkpoint('r1', 25, 25));
      const again = rows.map((row) => contact(row.sourceKey, null, null));
      const changed = await write(again, checkpoint('r2', 25, 25, 'upsert'), 'upsert', 'contact');
      expect(changed).toMatchObject({ updated: 25, unchanged: 0 });
      const loaded = [];
      for await (const batch of target.readRows('contact', 'D1')) loaded.push(...batch);
      expect(loaded).toHaveLength(25);
      expect(loaded.every((row) => row.values.birth_date === null && row.values.opt_in === true)).toBe(true);
      // The same rows again: a date, a flag, empty columns and no column bound in the statement all compare equal.
      await target.finishLoad('D1', 'contact', checkpoint('r2', 25, 25, 'upsert'));
      const same = await write(again, checkpoint('r3', 25, 25, 'upsert'), 'upsert', 'contact');
      expect(same).toMatchObject({ updated: 0, unchanged: 25 });
    });

    it('tells unchanged rows by every column: a date, a number, a flag, a reference, set or emptied', async () => {
      await write([company('C1', 'Acme'), company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      const ids = await target.resolveKeys('company', 'D1', ['C1', 'C2']);
      const [c1, c2] = [ids.get('C1')!, ids.get('C2')!];
      const rows = [contact('P1', c1), contact('P2', c1), contact('P3', null), contact('P4', c1, null)];
      await write(rows, checkpoint('r1', 4, 4), 'insert', 'contact');
      await target.finishLoad('D1', 'contact', checkpoint('r1', 4, 4));
      const flag = contactColumns.indexOf('opt_in');
      const result = await write(
        [
          contact('P1', c1),
          contact('P2', c2),
          contact('P3', null, '1990-01-04'),
          { sourceKey: 'P4', values: contact('P4', c1, null).values.map((v, i) => (i === flag ? false : v)) },
        ],
        checkpoint('r2', 4, 4, 'upsert'),
        'upsert',
        'contact',
      );
      expect(result).toMatchObject({ updated: 3, unchanged: 1 });
    });

    it('migrates a checkpoint table made before it counted updated and unchanged rows: 0 for the loads there', async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      await dropColumn('_cutover_checkpoint', 'updated');
      await dropColumn('_cutover_checkpoint', 'unchanged');
      await target.ensureSchema();
      expect(await target.checkpoint('D1', 'company')).toMatchObject({ loaded: 1, updated: 0, unchanged: 0 });
      await target.finishLoad('D1', 'company', checkpoint('r1', 1, 1));
      const result = await write([company('C1', 'Acme')], checkpoint('r2', 1, 1, 'upsert'), 'upsert');
      expect(result).toMatchObject({ unchanged: 1 });
      expect(await target.checkpoint('D1', 'company')).toMatchObject({ unchanged: 1 });
    });

    it('migrates a target made by an earlier model: a column the table lacks is added, its rows kept', async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      await dropColumn('company', 'naf_code');
      await target.ensureSchema();
      await write([company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      const rows = [];
      for await (const batch of target.readRows('company', 'D1')) rows.push(...batch);
      expect(rows.map((row) => [row.sourceKey, row.values.name, row.values.naf_code])).toEqual([
        ['C1', 'Acme', null],
        ['C2', 'Bolt', null],
      ]);
    });

    it('reads rows back with canonical values and references as parent source keys', async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      const id = (await target.resolveKeys('company', 'D1', ['C1'])).get('C1')!;
      await write(
        [contact('P1', id), contact('P2', null, null)],
        checkpoint('r1', 2, 2),
        'insert',
        'contact',
      );
      const rows = [];
      for await (const batch of target.readRows('contact', 'D1')) rows.push(...batch);
      expect(rows[0]?.values).toMatchObject({
        company_id: 'C1',
        birth_date: '1990-01-03',
        opt_in: true,
        last_name: 'Name P1',
      });
      expect(rows[1]?.values).toMatchObject({ company_id: null, birth_date: null });
      expect(await target.countOrphans('contact', 'D1')).toBe(0);
    });

    it('leaves rows and checkpoint as they were when recording the duplicates fails', async () => {
      await write([company('C1', 'Acme')], checkpoint('r1', 1, 1));
      const failing = target.writeBatch({
        dossier: 'D1',
        entity: 'company',
        runId: 'r1',
        mode: 'insert',
        rows: [company('C2', 'Bolt'), company('C1', 'Acme again')],
        checkpoint: checkpoint('r1', 3, 3),
        onDuplicates: () => Promise.reject(new Error('ledger unreachable')),
      });
      await expect(failing).rejects.toThrow('ledger unreachable');
      expect(await target.checkpoint('D1', 'company')).toEqual(checkpoint('r1', 1, 1));
      expect(await target.countRows('company', 'D1')).toBe(1);
      // The target still takes the next batch.
      await write([company('C2', 'Bolt')], checkpoint('r1', 2, 2));
      expect(await target.countRows('company', 'D1')).toBe(2);
    });

    it('keeps text exactly: accents, characters beyond the BMP, tabs, line breaks and backslashes, long values, empty text apart from no value', async () => {
      const long = `${'Société générale de l’Œuvre '.repeat(40)}😀`;
      const values = ['Émilie Ørsted', 'tab\there\nline\\back\rslash', 'Zoë 😀 𝔘𝔫𝔦', long, '', 'ß€中文', 'x'];
      // Groups of several rows per statement and a remainder, so both statement shapes carry each value.
      const rows = Array.from({ length: 45 }, (_, index) =>
        company(`C${index}`, values[index % values.length]!),
      );
      rows.push({ ...company('N1', 'x'), values: companyColumns.map(() => null) });
      await write(rows, checkpoint('r1', 46, 46));
      const loaded = new Map<string, unknown>();
      for await (const batch of target.readRows('company', 'D1'))
        for (const row of batch) loaded.set(row.sourceKey, row.values.name);
      expect(loaded.size).toBe(46);
      for (let index = 0; index < 45; index++)
        expect(loaded.get(`C${index}`)).toBe(values[index % values.length]);
      expect(loaded.get('N1')).toBeNull();
    });

    it('writes rows encoded ahead (as the load does while the batch before is written) exactly as given, a repeated key among them named, and rows not encoded ahead too', async () => {
      const header = { dossier: 'D1', entity: 'company', runId: 'r1', mode: 'insert' } as const;
      const first = [company('C1', 'Acme'), company('C2', 'Bolt')];
      const second = [company('C3', 'Cyan'), company('C1', 'Acme again')];
      const third = [company('C4', 'Dune')];
      target.encodeAhead({ ...header, rows: first });
      const writingFirst = write(first, checkpoint('r1', 2, 2));
      // Encoded while the first batch is still being written.
      target.encodeAhead({ ...header, rows: second });
      expect(await writingFirst).toMatchObject({ duplicates: 0 });
      expect(await write(second, checkpoint('r1', 4, 4))).toMatchObject({ duplicates: 1, keys: ['C1'] });
      expect(await write(third, checkpoint('r1', 5, 4))).toMatchObject({ duplicates: 0 });
      const loaded = [];
      for await (const batch of target.readRows('company', 'D1')) loaded.push(...batch);
      expect(loaded.map((row) => [row.sourceKey, row.values.name, row.values.employees])).toEqual([
        ['C1', 'Acme', 12],
        ['C2', 'Bolt', 12],
        ['C3', 'Cyan', 12],
        ['C4', 'Dune', 12],
      ]);
      expect(await target.checkpoint('D1', 'company')).toMatchObject({ recordsRead: 5, loaded: 4 });
    });

    it('writes rows encoded ahead for another dossier or run where the write says, not where the encoding was made for', async () => {
      const rows = [company('C1', 'Acme')];
      target.encodeAhead({ dossier: 'D1', entity: 'company', runId: 'r1', mode: 'insert', rows });
      await target.writeBatch({
        dossier: 'D2',
        entity: 'company',
        runId: 'r2',
        mode: 'insert',
        rows,
        checkpoint: checkpoint('r2', 1, 1),
        onDuplicates: () => Promise.resolve(),
      });
      expect(await target.countRows('company', 'D1')).toBe(0);
      expect(await target.checkpoint('D1', 'company')).toBeUndefined();
      expect(await target.countRows('company', 'D2')).toBe(1);
      expect(await target.checkpoint('D2', 'company')).toEqual(checkpoint('r2', 1, 1));
      const loaded = [];
      for await (const batch of target.readRows('company', 'D2')) loaded.push(...batch);
      expect(loaded.map((row) => [row.sourceKey, row.runId])).toEqual([['C1', 'r2']]);
    });

    it('keeps empty text as empty text when every text of a batch is empty', async () => {
      const rows = Array.from({ length: 25 }, (_, index) => ({
        sourceKey: `E${index}`,
        values: companyColumns.map((column) => (column === 'name' ? '' : null)),
      }));
      // Source keys are never empty; the values are: a statement whose every value is empty text.
      await write(rows, checkpoint('r1', 25, 25));
      const loaded = [];
      for await (const batch of target.readRows('company', 'D1')) loaded.push(...batch);
      expect(loaded.map((row) => row.values.name)).toEqual(Array.from({ length: 25 }, () => ''));
    });

    it('stores numbers and flags as numbers, whether a batch has text beside them or not', async () => {
      const numbers = [0, 7, 123456789012, -3];
      await write(
        numbers.map((employees, index) => ({
          ...company(`C${index}`, 'x'),
          values: companyColumns.map((column) => (column === 'employees' ? employees : null)),
        })),
        checkpoint('r1', 4, 4),
      );
      const loaded = [];
      for await (const batch of target.readRows('company', 'D1')) loaded.push(...batch);
      expect(loaded.map((row) => row.values.employees)).toEqual(numbers);
      await write([contact('P1', null)], checkpoint('r1', 1, 1), 'insert', 'contact');
      const contacts = [];
      for await (const batch of target.readRows('contact', 'D1')) contacts.push(...batch);
      expect(contacts[0]?.values).toMatchObject({ opt_in: true, company_id: null, last_name: 'Name P1' });
    });

    it('stores a lone UTF-16 surrogate (which no encoding can carry) as U+FFFD, and the text around it', async () => {
      await write([company('C1', 'a\uD800b'), company('C2', 'c\uDC00')], checkpoint('r1', 2, 2));
      const loaded = [];
      for await (const batch of target.readRows('company', 'D1')) loaded.push(...batch);
      expect(loaded.map((row) => row.values.name)).toEqual(['a\uFFFDb', 'c\uFFFD']);
    });

    // PostgreSQL text cannot hold U+0000 at all; SQLite keeps it, and the writer thread's encoding must too.
    // Not registered at all on PostgreSQL, rather than skipped there.
    if (dialect.name !== 'postgres')
      it('keeps a value holding U+0000 and other control characters', async () => {
        await write([company('C1', 'A\u0000B\u0001'), company('C2\u0000', 'Bolt')], checkpoint('r1', 2, 2));
        const rows = [];
        for await (const batch of target.readRows('company', 'D1')) rows.push(...batch);
        expect(rows.map((row) => [row.sourceKey, row.values.name, row.values.employees])).toEqual([
          ['C1', 'A\u0000B\u0001', 12],
          ['C2\u0000', 'Bolt', 12],
        ]);
      });
  });
}

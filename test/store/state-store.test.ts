import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reviewPairId, StateStore, type LedgerEntry } from '../../src/store/state/state-store.js';
import { dialects, openStateStore } from '../support/stores.js';

const entry = (location: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  dossierId: 'D1',
  entity: 'contact',
  location,
  runId: 'r1',
  fate: 'rejected',
  reason: 'INVALID_DATE',
  rule: null,
  message: 'birth_date: "31/02/1980" is not a date',
  column: 'birth_date',
  sourceKey: 'K1',
  source: 'contacts.csv',
  line: 12,
  record: 11,
  raw: '7;Zoé;Durand;31/02/1980',
  ...overrides,
});

for (const dialect of dialects) {
  describe.runIf(dialect.available)(`state store on ${dialect.name}`, () => {
    let store: StateStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await openStateStore(dialect.name));
    });
    afterEach(async () => cleanup());

    it('migrates a new store and opens it again without migrating twice', async () => {
      await store.savePlanVersion('abc', 'demo', 'version: 1');
      await store.savePlanVersion('abc', 'demo', 'version: 1');
      const run = await store.createRun('abc', 'run');
      expect(await store.unfinishedRun('run')).toMatchObject({
        id: run.id,
        planHash: 'abc',
        status: 'running',
      });
      await store.finishRun(run.id, 'succeeded', { records: 3 });
      expect(await store.unfinishedRun('run')).toBeUndefined();
      expect(await store.latestRun()).toMatchObject({
        id: run.id,
        status: 'succeeded',
        summary: { records: 3 },
      });
    });

    it('keeps one ledger entry per record however often a unit writes it, with the raw record as read', async () => {
      await store.writeLedger([
        entry('contacts.csv:12'),
        entry('contacts.csv:13', { fate: 'skipped', reason: null, rule: 'test-records' }),
      ]);
      await store.writeLedger([entry('contacts.csv:12', { runId: 'r2' })]);
      const entries = await store.ledgerEntries({ dossierId: 'D1' });
      expect(entries).toHaveLength(2);
      expect(entries[0]).toMatchObject({
        location: 'contacts.csv:12',
        runId: 'r2',
        raw: '7;Zoé;Durand;31/02/1980',
        line: 12,
        record: 11,
      });
      expect(await store.ledgerCounts()).toEqual(
        expect.arrayContaining([
          { dossierId: 'D1', entity: 'contact', fate: 'rejected', count: 1 },
          { dossierId: 'D1', entity: 'contact', fate: 'skipped', count: 1 },
        ]),
      );
      await store.clearLedger('D1', 'contact');
      expect(await store.ledgerEntries()).toHaveLength(0);
    });

    it("reads the raw records of one dossier, entity and fate page by page, each once, none of another's", async () => {
      await store.writeLedger([
        ...['a:5', 'a:1', 'b:2', 'a:3', 'a:10'].map((location) =>
          entry(location, { entity: 'entry_line', raw: `raw ${location}` }),
        ),
        entry('a:4', { entity: 'entry_line', fate: 'skipped', raw: 'skipped' }),
        entry('a:6', { entity: 'entry', raw: 'entry' }),
        entry('a:7', { entity: 'entry_line', dossierId: 'D2', raw: 'other dossier' }),
      ]);
      const pages: string[][] = [];
      for await (const page of store.ledgerRawRecords('D1', 'entry_line', 'rejected', 2)) pages.push(page);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().sort()).toEqual(['raw a:1', 'raw a:10', 'raw a:3', 'raw a:5', 'raw b:2']);
      const whole: string[][] = [];
      for await (const page of store.ledgerRawRecords('D1', 'entry_line', 'rejected', 5)) whole.push(page);
      expect(whole.map((page) => page.length)).toEqual([5]);
    });

    it("finds a run's ledger entries of a unit by location, with their source keys, more locations than one query binds", async () => {
      await store.writeLedger([
        entry('contacts#K1@1'),
        entry('contacts#@2', { sourceKey: null }),
        entry('contacts#K3@3', { runId: 'r0' }),
        entry('contacts#K4@4', { entity: 'company' }),
        entry('contacts#K5@5', { dossierId: 'D2' }),
      ]);
      const wanted = [
        ...Array.from({ length: 1200 }, (_, i) => `contacts#X${i}@${i + 10}`),
        'contacts#K1@1',
        'contacts#@2',
        'contacts#K3@3',
        'contacts#K4@4',
        'contacts#K5@5',
      ];
      expect(await store.runLedgerKeysAt('r1', 'D1', 'contact', wanted)).toEqual(
        new Map([
          ['contacts#K1@1', 'K1'],
          ['contacts#@2', null],
        ]),
      );
    });

    it('keeps a rejected record holding NUL characters exactly as read: raw record, source key and message', async () => {
      // PostgreSQL text refuses U+0000; a legacy export may hold it. \u0001 is the escape's own marker.
      const raw = 'C2;Bo\u0000b;\u0001Ray;\u0000';
      const sourceKey = 'C\u00002';
      await store.writeLedger([
        entry('contacts.csv:3', { raw, sourceKey, message: 'first_name: "Bo\u0000b" holds a NUL' }),
        entry('contacts.csv:4', { raw: '\u0001{"looks":"escaped"}', sourceKey: '\u0001"K"' }),
        entry('contacts.csv:5', { raw: 'plain', sourceKey: 'K5' }),
      ]);
      const entries = await store.ledgerEntries({ dossierId: 'D1' });
      expect(entries.map((e) => [e.location, e.raw, e.sourceKey, e.message])).toEqual([
        ['contacts.csv:3', raw, sourceKey, 'first_name: "Bo\u0000b" holds a NUL'],
        ['contacts.csv:4', '\u0001{"looks":"escaped"}', '\u0001"K"', entry('x').message],
        ['contacts.csv:5', 'plain', 'K5', entry('x').message],
      ]);
      // Written again (a replay): still one entry per record.
      await store.writeLedger([entry('contacts.csv:3', { raw, sourceKey, runId: 'r2' })]);
      expect(await store.ledgerEntries({ dossierId: 'D1' })).toHaveLength(3);
    });

    it('lists the dossiers that runs of a plan loaded, not those of another plan sharing the store', async () => {
      await store.savePlanVersion('h1', 'books', 'version: 1');
      await store.savePlanVersion('h2', 'books', 'version: 1 # edited');
      await store.savePlanVersion('h3', 'crm', 'version: 1');
      const counts = { recordsRead: 1, loaded: 1, skipped: 0, rejected: 0, repeats: 0 };
      const first = await store.createRun('h1', 'run');
      await store.saveStep(first.id, 'D2', 'entry', 'done', counts);
      const second = await store.createRun('h2', 'run');
      await store.saveStep(second.id, 'D1', 'entry', 'done', counts);
      await store.saveStep(second.id, 'D2', 'entry', 'done', counts);
      const crm = await store.createRun('h3', 'run');
      await store.saveStep(crm.id, 'crm', 'contact', 'done', counts);
      expect(await store.dossiersLoadedByPlan('books')).toEqual(['D1', 'D2']);
      expect(await store.dossiersLoadedByPlan('crm')).toEqual(['crm']);
      expect(await store.dossiersLoadedByPlan('none')).toEqual([]);
    });

    it('renames the plan it serves, its versions and the entities its runs loaded going with the name', async () => {
      await store.servePlan('h1', 'books', 'version: 1');
      const run = await store.createRun('h1', 'run');
      await store.saveStep(run.id, 'D1', 'entry', 'done', {
        recordsRead: 1,
        loaded: 1,
        skipped: 0,
        rejected: 0,
        repeats: 0,
      });
      await expect(store.renamePlan('crm', 'books-2025')).rejects.toThrow(
        /serves "books", not "crm": nothing renamed$/,
      );
      expect(await store.renamePlan('books', 'books-2025')).toBe('renamed');
      expect(await store.planNames()).toEqual(['books-2025']);
      expect(await store.dossiersLoadedByPlan('books-2025')).toEqual(['D1']);
      expect(await store.renamePlan('books', 'books-2025')).toBe('unchanged');
      await store.servePlan('h2', 'books-2025', 'version: 1 # renamed');
      await expect(store.servePlan('h3', 'books', 'version: 1')).rejects.toMatchObject({
        code: 'PLAN_INVALID',
      });
    });

    it('serves one plan: another plan is refused with nothing written, new versions of the same plan are served', async () => {
      await store.servePlan('h1', 'books', 'version: 1');
      await store.servePlan('h2', 'books', 'version: 1 # edited');
      const run = await store.createRun('h2', 'run');
      const where = { ...(store.schema === undefined ? {} : { schema: store.schema }) };

      const refusal = StateStore.open(store.location, { ...where, plan: 'crm' });
      await expect(refusal).rejects.toMatchObject({ code: 'PLAN_INVALID' });
      await expect(refusal).rejects.toThrow(
        /^the state store .* belongs to the plan "books", not to "crm": one state store serves one plan, so give "crm" its own with --state LOCATION or `state:` in its plan \(if you renamed the plan, `cutover state rename --from books` goes on with this store under the new name\)$/,
      );
      await expect(store.servePlan('h3', 'crm', 'version: 1', 'option')).rejects.toMatchObject({
        code: 'USAGE',
      });
      expect(await store.planNames()).toEqual(['books']);
      // The plan's own reader opens it, and still finds its unfinished run.
      const again = await StateStore.open(store.location, { ...where, plan: 'books' });
      try {
        expect(await again.unfinishedRun('run')).toMatchObject({ id: run.id });
      } finally {
        await again.close();
      }
    });

    it('names every plan of a store that several plans wrote before it served one', async () => {
      await store.savePlanVersion('h1', 'books', 'version: 1');
      await store.savePlanVersion('h2', 'crm', 'version: 1');
      for (const plan of ['books', 'audit']) {
        await expect(store.servePlan('h3', plan, 'version: 1')).rejects.toThrow(
          new RegExp(
            `^the state store .* holds the runs of several plans \\("books", "crm"\\), whose ledgers are mixed: one state store serves one plan, so give "${plan}" its own with --state LOCATION or \`state:\` in its plan$`,
          ),
        );
      }
      expect(await store.planNames()).toEqual(['books', 'crm']);
    });

    it("replaces one unit's notices of a run, leaving those of its other units and other runs", async () => {
      const notice = (code: string, line: number | null = null) => ({
        source: 'contacts.csv',
        code,
        message: `${code} said`,
        line,
      });
      await store.addNotices([
        { runId: 'r0', dossierId: 'D1', entity: 'contact', ...notice('OLD_RUN') },
        { runId: 'r1', dossierId: 'D1', entity: 'company', ...notice('OTHER_UNIT') },
      ]);
      await store.replaceUnitNotices('r1', 'D1', 'contact', [notice('FIRST_TRY', 2)]);
      await store.replaceUnitNotices('r1', 'D1', 'contact', [notice('RESUMED', 3), notice('ALSO')]);
      expect(await store.unitNotices('r1', 'D1', 'contact')).toEqual([
        { runId: 'r1', dossierId: 'D1', entity: 'contact', ...notice('RESUMED', 3) },
        { runId: 'r1', dossierId: 'D1', entity: 'contact', ...notice('ALSO') },
      ]);
      expect((await store.notices('r1')).map((row) => row.code).sort()).toEqual([
        'ALSO',
        'OTHER_UNIT',
        'RESUMED',
      ]);
      expect((await store.notices('r0')).map((row) => row.code)).toEqual(['OLD_RUN']);
    });

    it("reads a unit's notices in the order it said them, whatever order the database keeps their rows in", async () => {
      const said = ['FIRST', 'SECOND', 'THIRD'].map((code) => ({
        source: 'contacts.csv',
        code,
        message: `${code} said`,
        line: null,
      }));
      await store.replaceUnitNotices('r1', 'D1', 'contact', said);
      // A row written again moves: PostgreSQL puts its new version after the others (as VACUUM may move rows too),
      // and a read without ORDER BY returns it last.
      await store.db
        .updateTable('source_notice')
        .set((eb) => ({ message: eb.ref('message') }))
        .where('code', '=', 'FIRST')
        .execute();
      await store.addNotices([
        {
          runId: 'r1',
          dossierId: 'D1',
          entity: 'contact',
          source: '',
          code: 'ADDED',
          message: 'after',
          line: null,
        },
      ]);
      const expected = ['FIRST', 'SECOND', 'THIRD', 'ADDED'];
      expect((await store.unitNotices('r1', 'D1', 'contact')).map((row) => row.code)).toEqual(expected);
      expect((await store.notices('r1')).map((row) => row.code)).toEqual(expected);
      expect((await store.dossierNotices(['r1'], 'D1')).map((row) => row.code)).toEqual(expected);
    });

    it('stores dossiers with attributes and run steps with their counts', async () => {
      await store.upsertDossiers([{ id: 'D2', name: 'Boulangerie', attributes: { siren: '732829320' } }]);
      await store.upsertDossiers([
        { id: 'D2', name: 'Boulangerie Martin', attributes: { siren: '732829320' } },
      ]);
      expect(await store.listDossiers()).toEqual([
        { id: 'D2', name: 'Boulangerie Martin', attributes: { siren: '732829320' } },
      ]);
      await store.saveStep('r1', 'D2', 'entry_line', 'done', {
        recordsRead: 10,
        loaded: 8,
        skipped: 1,
        rejected: 1,
        repeats: 0,
      });
      expect(await store.steps('r1')).toEqual([
        {
          dossierId: 'D2',
          entity: 'entry_line',
          status: 'done',
          recordsRead: 10,
          loaded: 8,
          skipped: 1,
          rejected: 1,
          repeats: 0,
        },
      ]);
    });

    it('keeps a merged entry with its survivor key and counts it per fate', async () => {
      await store.writeLedger([
        entry('contacts.csv:14', {
          fate: 'merged',
          reason: null,
          column: null,
          sourceKey: 'K2',
          survivorKey: 'K1',
        }),
      ]);
      expect(await store.ledgerEntries({ fate: 'merged' })).toEqual([
        expect.objectContaining({ fate: 'merged', sourceKey: 'K2', survivorKey: 'K1' }),
      ]);
      expect(await store.countLedger('D1', 'contact', 'merged')).toBe(1);
      expect(await store.countLedger('D1', 'contact', 'rejected')).toBe(0);
      await store.saveStep('r1', 'D1', 'contact', 'done', {
        recordsRead: 3,
        loaded: 2,
        skipped: 0,
        rejected: 0,
        repeats: 0,
        merged: 1,
      });
      expect((await store.steps('r1'))[0]).toMatchObject({ loaded: 2, merged: 1 });
    });

    it("lists the source keys of one dossier and entity's entries, every fate, and none without a key", async () => {
      await store.writeLedger([
        entry('contacts.csv:2', { sourceKey: 'A' }),
        entry('contacts.csv:3', { sourceKey: 'B', fate: 'skipped', reason: null, rule: 'test-records' }),
        entry('contacts.csv:4', { sourceKey: 'C', fate: 'merged', reason: null, survivorKey: 'A' }),
        entry('contacts.csv:5', { sourceKey: null, reason: 'REQUIRED_MISSING' }),
        entry('contacts.csv:6', { sourceKey: 'D', dossierId: 'D2' }),
        entry('companies.csv:2', { sourceKey: 'E', entity: 'company' }),
      ]);
      expect((await store.ledgerSourceKeys('D1', 'contact')).sort()).toEqual(['A', 'B', 'C']);
      expect(await store.ledgerSourceKeys('D2', 'company')).toEqual([]);
    });

    it('turns merged entries into rejected ones when their survivor was not loaded, idempotently', async () => {
      const merged = (location: string, key: string, survivor: string) =>
        entry(location, {
          fate: 'merged',
          reason: null,
          column: null,
          sourceKey: key,
          survivorKey: survivor,
        });
      await store.writeLedger([
        merged('contacts.csv:3', 'K2', 'K1'),
        merged('contacts.csv:4', 'K3', 'K1'),
        merged('contacts.csv:6', 'K5', 'K4'),
      ]);
      const reject = () =>
        store.rejectMergedInto(
          'D1',
          'contact',
          [{ dossierId: 'D1', key: 'K1' }],
          'SURVIVOR_NOT_LOADED',
          (survivor) => `into ${survivor.key}`,
        );
      expect(await reject()).toBe(2);
      // Again (a resumed unit): nothing left to convert, the same count, so counts adjust once.
      expect(await reject()).toBe(2);
      expect(await store.ledgerEntries({ fate: 'rejected' })).toEqual([
        expect.objectContaining({
          sourceKey: 'K2',
          reason: 'SURVIVOR_NOT_LOADED',
          survivorKey: 'K1',
          message: 'into K1',
        }),
        expect.objectContaining({ sourceKey: 'K3', reason: 'SURVIVOR_NOT_LOADED', survivorKey: 'K1' }),
      ]);
      expect(await store.countLedger('D1', 'contact', 'merged')).toBe(1);
      expect(await store.rejectMergedInto('D1', 'contact', [], 'SURVIVOR_NOT_LOADED', () => '')).toBe(0);
    });

    it('keeps merges, ledger entries and review pairs across two dossiers with the other side named', async () => {
      const golden = { values: { last_name: 'Martin' }, origins: { last_name: 'D1/K1' } };
      await store.replaceMerges('D1', 'contact', [
        { clusterId: 'c1', survivorKey: 'K1', absorbedKey: 'K2', golden },
      ]);
      await store.replaceMerges('D2', 'contact', [
        { clusterId: 'c1', survivorKey: 'K1', survivorDossierId: 'D1', absorbedKey: 'K1', golden },
      ]);
      const bySurvivor = await store.merges({ survivorDossierId: 'D1', active: true });
      expect(
        bySurvivor.map((merge) => [merge.dossierId, merge.absorbedKey, merge.survivorDossierId]),
      ).toEqual([
        ['D1', 'K2', 'D1'],
        ['D2', 'K1', 'D1'],
      ]);
      expect(await store.merges({ survivorDossierId: 'D2' })).toEqual([]);

      await store.writeLedger([
        entry('b.csv:2', {
          dossierId: 'D2',
          fate: 'merged',
          reason: null,
          column: null,
          sourceKey: 'K1',
          survivorKey: 'K1',
          survivorDossierId: 'D1',
        }),
      ]);
      expect(await store.ledgerEntries({ dossierId: 'D2' })).toEqual([
        expect.objectContaining({ survivorKey: 'K1', survivorDossierId: 'D1' }),
      ]);
      // A survivor of the same key in D2 itself is another record: only D1's K1 is missing here.
      expect(
        await store.rejectMergedInto(
          'D2',
          'contact',
          [{ dossierId: 'D2', key: 'K1' }],
          'SURVIVOR_NOT_LOADED',
          () => '',
        ),
      ).toBe(0);
      expect(
        await store.rejectMergedInto(
          'D2',
          'contact',
          [{ dossierId: 'D1', key: 'K1' }],
          'SURVIVOR_NOT_LOADED',
          () => '',
        ),
      ).toBe(1);

      const pair = {
        dossierId: 'D1',
        rightDossierId: 'D2',
        entity: 'contact',
        leftKey: 'K1',
        rightKey: 'K1',
        fields: [],
        probability: 0.7,
        explanation: {},
        reason: 'grey-zone',
      };
      await store.replaceReviewPairs('D1', 'contact', [pair]);
      const [stored] = await store.reviewPairs({ pending: true });
      expect(stored).toMatchObject({ dossierId: 'D1', rightDossierId: 'D2', leftKey: 'K1', rightKey: 'K1' });
      // Not the id of D1's pair (K1, K1), nor of D2's.
      expect(stored?.pairId).not.toBe(reviewPairId('D1', 'contact', 'K1', 'K1'));
      expect(stored?.pairId).toBe(reviewPairId('D2', 'contact', 'K1', 'K1', 'D1'));
    });

    it('keeps golden values chosen by hand, newest first, one per record and column', async () => {
      await store.chooseGoldenValue({ dossierId: 'D1', entity: 'contact', column: 'city', chosenKey: 'K2' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.chooseGoldenValue({ dossierId: 'D1', entity: 'contact', column: 'city', chosenKey: 'K3' });
      await store.chooseGoldenValue({ dossierId: 'D2', entity: 'company', column: 'name', chosenKey: 'C1' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Choosing K2 again makes it the newest: it wins over K3 for a cluster holding both.
      await store.chooseGoldenValue({ dossierId: 'D1', entity: 'contact', column: 'city', chosenKey: 'K2' });
      const choices = await store.goldenChoices({ entity: 'contact' });
      expect(choices.map((choice) => [choice.dossierId, choice.column, choice.chosenKey])).toEqual([
        ['D1', 'city', 'K2'],
        ['D1', 'city', 'K3'],
      ]);
      expect(await store.goldenChoices({ dossierId: 'D2' })).toEqual([
        expect.objectContaining({ entity: 'company', column: 'name', chosenKey: 'C1' }),
      ]);
    });

    it('replaces the active merges of a unit on a new dedupe, keeps undone ones, and undoes a whole cluster', async () => {
      const golden = {
        values: { first_name: 'Anne', phone: '+33612345678' },
        origins: { first_name: 'K1', phone: 'K2' },
      };
      await store.replaceMerges('D1', 'contact', [
        { clusterId: 'c1', survivorKey: 'K1', absorbedKey: 'K2', golden },
        { clusterId: 'c1', survivorKey: 'K1', absorbedKey: 'K3', golden },
        { clusterId: 'c2', survivorKey: 'K7', absorbedKey: 'K8', golden },
      ]);
      await store.replaceMerges('D2', 'contact', [
        { clusterId: 'c9', survivorKey: 'K1', absorbedKey: 'K2', golden },
      ]);
      expect(await store.merges({ dossierId: 'D1', active: true })).toHaveLength(3);
      expect((await store.merges({ dossierId: 'D1' }))[0]?.golden).toEqual(golden);

      const undone = await store.undoMerges({
        entity: 'contact',
        survivorDossierId: 'D1',
        survivorKey: 'K1',
      });
      expect(undone.map((merge) => merge.absorbedKey)).toEqual(['K2', 'K3']);
      expect((await store.merges({ active: true })).map((merge) => merge.clusterId)).toEqual(['c2', 'c9']);

      // A new dedupe of D1 finds only c3: c2 (active) is replaced, c1 (undone) stays as history, D2 is untouched.
      await store.replaceMerges('D1', 'contact', [
        { clusterId: 'c3', survivorKey: 'K4', absorbedKey: 'K5', golden },
      ]);
      expect((await store.merges({ active: true })).map((merge) => merge.clusterId)).toEqual(['c3', 'c9']);
      expect((await store.merges({ active: false })).map((merge) => merge.absorbedKey)).toEqual(['K2', 'K3']);
    });

    it('keeps decided review pairs across a new dedupe and replaces only the pending ones', async () => {
      const pair = (leftKey: string, rightKey: string, probability: number) => ({
        dossierId: 'D1',
        entity: 'contact',
        leftKey,
        rightKey,
        fields: [['last_name', 'Martin', 'Martins'] as const],
        probability,
        explanation: { terms: [{ field: 'last_name', level: 'jaro-winkler >= 0.92', weight: 3.1 }] },
        reason: 'grey-zone',
      });
      await store.replaceReviewPairs('D1', 'contact', [pair('K1', 'K2', 0.7), pair('K3', 'K4', 0.6)]);
      const id = reviewPairId('D1', 'contact', 'K2', 'K1');
      expect(id).toBe(reviewPairId('D1', 'contact', 'K1', 'K2'));
      expect(id).not.toBe(reviewPairId('D2', 'contact', 'K1', 'K2'));
      expect(await store.decideReviewPair(id, 'different')).toBe(true);
      expect(await store.decideReviewPair('no-such-pair', 'same')).toBe(false);

      await store.replaceReviewPairs('D1', 'contact', [pair('K1', 'K2', 0.8), pair('K5', 'K6', 0.55)]);
      const pending = await store.reviewPairs({ pending: true });
      expect(pending.map((row) => [row.leftKey, row.rightKey])).toEqual([['K5', 'K6']]);
      const decided = await store.reviewPairs({ pending: false });
      expect(decided).toEqual([
        expect.objectContaining({
          pairId: id,
          decision: 'different',
          probability: 0.8,
          fields: [['last_name', 'Martin', 'Martins']],
        }),
      ]);
      await store.recordDecisions([{ ...pair('K5', 'K6', 0.55), reason: 'undo', decision: 'different' }]);
      expect(await store.reviewPairs({ pending: true })).toEqual([]);
    });
  });
}

import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fecSource, type FecSourceSpec } from '../../src/connectors/files/fec-source.js';
import type { SourceSpec } from '../../src/core/plan/plan-schema.js';
import type { RecordSource } from '../../src/core/record-source.js';
import { sharedSourceReads } from '../../src/pipeline/run/shared-source-reads.js';
import { latin1, makeTempDir, readAll, sharedFecDir } from '../connectors/files/file-fixtures.js';

/** A real FEC (tab, BOM, 5,422 lines) and the same file cut to its header and two lines, to tell the reads apart. */
const SAMPLE = '0000000001FEC20220831.txt';

let dir = '';
let cleanup = async () => {};
let file = { path: '', relative: '' };
let shortVersion: Buffer;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  file = { path: path.join(dir, SAMPLE), relative: SAMPLE };
  const lines = (await readFile(path.join(sharedFecDir, SAMPLE))).toString('utf8').split('\n');
  shortVersion = Buffer.from(`${lines.slice(0, 3).join('\n')}\n`, 'utf8');
});
afterAll(() => cleanup());

const fecSpec: FecSourceSpec = { type: 'fec', path: 'fec/{dossier}/*FEC*.txt', encoding: 'auto' };
/** The specs of a plan whose journals, accounts and lines all read the FEC. */
const fecPlanSources: SourceSpec[] = [fecSpec, fecSpec, fecSpec];

/** A two-line FEC whose second line is Windows-1252, not UTF-8: its read gives an ENCODING_FALLBACK notice. */
const writeMixedEncodingFec = () => {
  const header =
    'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\n';
  const line = (label: string, debit: string, credit: string) =>
    `VE\tVentes\t1\t20220105\t411000\tClients\t\t\tF1\t20220105\t${label}\t${debit}\t${credit}\t\t\t20220105\t\t\n`;
  return writeFile(
    file.path,
    Buffer.concat([
      Buffer.from(header + line('Vente', '120,00', '0,00')),
      latin1(line('Vente très chère', '0,00', '120,00')),
    ]),
  );
};
const freshSample = () => copyFile(path.join(sharedFecDir, SAMPLE), file.path);
const open = (): RecordSource => fecSource(fecSpec, file, dir);
const count = async (source: RecordSource) => (await readAll(source, { batchSize: 500 })).records.length;

describe('sharedSourceReads: a file read by several entities of a dossier is read once', () => {
  it('replays the first read to the next entity: same records, even once the file has changed', async () => {
    await freshSample();
    const reads = sharedSourceReads(fecPlanSources);
    const [first] = reads.share(fecSpec, [open()]);
    const firstRecords = (await readAll(first!, { batchSize: 500 })).records;
    expect(firstRecords).toHaveLength(5422);
    // Were the next entity to read the file again, it would see three lines.
    await writeFile(file.path, shortVersion);
    const [second] = reads.share(fecSpec, [open()]);
    const secondRecords = (await readAll(second!, { batchSize: 500 })).records;
    expect(secondRecords).toEqual(firstRecords);
    // A replay's own source was never read: its columns, for the plan's column check, are the first read's.
    expect(second!.columns?.()).toEqual(first!.columns?.());
    expect(second!.columns?.()).toContain('EcritureNum');
    // The next dossier starts clean: it reads the file as it is now.
    reads.clear();
    const [afterClear] = reads.share(fecSpec, [open()]);
    expect(await count(afterClear!)).toBe(2);
  });

  it('keeps nothing of a file larger than its budget: each entity reads the file itself', async () => {
    await freshSample();
    const reads = sharedSourceReads(fecPlanSources, 10_000);
    const [first] = reads.share(fecSpec, [open()]);
    expect(await count(first!)).toBe(5422);
    await writeFile(file.path, shortVersion);
    const [second] = reads.share(fecSpec, [open()]);
    expect(await count(second!)).toBe(2);
  });

  it('counts its budget over all the files of the dossier: a second file that would pass it is not kept', async () => {
    await freshSample();
    const otherPath = path.join(dir, `other-${SAMPLE}`);
    await copyFile(file.path, otherPath);
    const other = { path: otherPath, relative: `other-${SAMPLE}` };
    const oneFile = (await readFile(file.path)).length;
    // Room for one of the two files, not for both.
    const reads = sharedSourceReads(fecPlanSources, Math.round(oneFile * 1.5));
    const [first, second] = reads.share(fecSpec, [open(), fecSource(fecSpec, other, dir)]);
    expect(await count(first!)).toBe(5422);
    expect(await count(second!)).toBe(5422);
    await writeFile(file.path, shortVersion);
    await writeFile(otherPath, shortVersion);
    const [firstAgain, secondAgain] = reads.share(fecSpec, [open(), fecSource(fecSpec, other, dir)]);
    expect(await count(firstAgain!)).toBe(5422);
    expect(await count(secondAgain!)).toBe(2);
  });

  it('lets go of a file once the last entity that reads it has had it', async () => {
    await freshSample();
    const reads = sharedSourceReads([fecSpec, fecSpec]);
    const [first] = reads.share(fecSpec, [open()]);
    expect(await count(first!)).toBe(5422);
    await writeFile(file.path, shortVersion);
    const [second] = reads.share(fecSpec, [open()]);
    expect(await count(second!)).toBe(5422);
    // Both readers of the plan have read it: a third read (none in a run) finds the file as it is now.
    const [third] = reads.share(fecSpec, [open()]);
    expect(await count(third!)).toBe(2);
  });

  it('keeps nothing of a read stopped before its end (a threshold crossed)', async () => {
    await freshSample();
    const reads = sharedSourceReads(fecPlanSources);
    const [first] = reads.share(fecSpec, [open()]);
    for await (const batch of first!.read({ batchSize: 500 })) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    await writeFile(file.path, shortVersion);
    const [second] = reads.share(fecSpec, [open()]);
    expect(await count(second!)).toBe(2);
  });

  it('does not keep a file that only one entity of the plan reads', async () => {
    await freshSample();
    const reads = sharedSourceReads([fecSpec, { type: 'csv', path: 'contacts.csv' } as SourceSpec]);
    const [first] = reads.share(fecSpec, [open()]);
    expect(await count(first!)).toBe(5422);
    await writeFile(file.path, shortVersion);
    const [second] = reads.share(fecSpec, [open()]);
    expect(await count(second!)).toBe(2);
  });

  it('does not share between two specs of one file that read it differently', async () => {
    await freshSample();
    const latin: FecSourceSpec = { ...fecSpec, encoding: 'windows-1252' };
    const reads = sharedSourceReads([fecSpec, fecSpec, latin, latin]);
    const [first] = reads.share(fecSpec, [open()]);
    expect(await count(first!)).toBe(5422);
    await writeFile(file.path, shortVersion);
    const [other] = reads.share(latin, [fecSource(latin, file, dir)]);
    expect(await count(other!)).toBe(2);
  });

  it("gives the next entity the first read's notices (a line that is not UTF-8)", async () => {
    await writeMixedEncodingFec();
    const reads = sharedSourceReads(fecPlanSources);
    const [first] = reads.share(fecSpec, [open()]);
    await readAll(first!);
    const notices = first!.notices?.() ?? [];
    expect(notices.map((notice) => notice.code)).toContain('ENCODING_FALLBACK');
    const [second] = reads.share(fecSpec, [open()]);
    const replayed = await readAll(second!);
    expect(replayed.records).toHaveLength(2);
    expect(second!.notices?.()).toEqual(notices);
  });

  it("gives the last entity that reads the file the first read's notices too, after letting the records go", async () => {
    await writeMixedEncodingFec();
    const reads = sharedSourceReads([fecSpec, fecSpec]);
    const [first] = reads.share(fecSpec, [open()]);
    await readAll(first!);
    const notices = first!.notices?.() ?? [];
    expect(notices.map((notice) => notice.code)).toContain('ENCODING_FALLBACK');
    const [last] = reads.share(fecSpec, [open()]);
    expect((await readAll(last!)).records).toHaveLength(2);
    expect(last!.notices?.()).toEqual(notices);
  });
});

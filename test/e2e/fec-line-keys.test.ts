import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../support/shared-data.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, finished, parseJsonStdout, startCli } from './support/cli.js';
import { querySqlite } from './support/helpers.js';

/**
 * The generated FEC plan keys an entry line by its entry and its number within the entry (`$occurrence`), not by
 * its record number in the file. Before, a later export of the same books with one entry more in the middle (a delta
 * run: the year goes on, or an entry was posted late) gave every line after it a new key: the re-run removed and
 * inserted thousands of lines, each with a new target id, where one entry was new.
 */
const SAMPLE = '0000000001FEC20220831.txt';
const FEC = `fec/d1/${SAMPLE}`;

/** A balanced entry of two lines, written in the file's layout (tab, 18 columns). */
const lateEntry = [
  'OD\tOpérations diverses\t9999\t20220301\t606000\tAchats\t\t\tX1\t20220301\tEntrée tardive\t10,00\t0,00\t\t\t20220726\t\t',
  'OD\tOpérations diverses\t9999\t20220301\t512000\tBanque\t\t\tX1\t20220301\tEntrée tardive\t0,00\t10,00\t\t\t20220726\t\t',
];

interface LineRow {
  id: number;
  source_key: string;
  line_number: number;
  label: string;
  debit: string;
  credit: string;
}

const lines = (dir: string): LineRow[] =>
  querySqlite<LineRow>(
    path.join(dir, 'target.db'),
    'SELECT id, source_key, line_number, label, debit, credit FROM entry_line ORDER BY source_key',
  );

const entryLineCheckpoint = (dir: string): number => {
  let db: Database.Database | undefined;
  try {
    db = new Database(path.join(dir, 'target.db'), { readonly: true, fileMustExist: true });
    const row = db
      .prepare("SELECT records_read AS recordsRead FROM _cutover_checkpoint WHERE entity = 'entry_line'")
      .get() as { recordsRead: number } | undefined;
    return row?.recordsRead ?? 0;
  } catch {
    return 0; // not created yet
  } finally {
    db?.close();
  }
};

const folders: string[] = [];
/** A folder with the real FEC sample as dossier d1 and the plan `cutover init --fec` writes (batches of `batch`). */
const books = async (batch: number): Promise<string> => {
  const dir = tempDir('cutover-e2e-fec-keys-');
  folders.push(dir);
  const init = await cli([
    'init',
    '--fec',
    'fec/{dossier}/*FEC*.txt',
    '--out',
    path.join(dir, 'cutover.yaml'),
  ]);
  expect(init.code, describeResult(init)).toBe(0);
  const plan = readFileSync(path.join(dir, 'cutover.yaml'), 'utf8');
  expect(plan).toContain('key: [fiscal_year_end, JournalCode, entry_key, $occurrence]');
  const batched = plan.replace(/^name: .*$/m, (line) => `${line}\nbatchSize: ${batch}`);
  expect(batched).toContain(`\nbatchSize: ${batch}\n`);
  writeFileSync(path.join(dir, 'cutover.yaml'), batched);
  const fecFolder = path.join(dir, 'fec', 'd1');
  mkdirSync(fecFolder, { recursive: true });
  copyFileSync(path.join(sharedData('fec'), SAMPLE), path.join(dir, FEC));
  return dir;
};

const run = async (dir: string) => {
  const result = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
  expect(result.code, describeResult(result)).toBe(0);
  return parseJsonStdout<{ removedStaleRows: number; records: { loaded: number } }>(result);
};

beforeAll(() => ensureBuilt(), 240_000);
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

describe('FEC entry lines keyed within their entry', () => {
  it('keep their keys and target ids when a later export adds an entry in the middle of the file', async () => {
    const dir = await books(5000);
    await run(dir);
    const before = lines(dir);
    expect(before).toHaveLength(5422);
    // Numbered within their entry: an entry's lines are 1, 2, ... whatever their place in the file.
    expect(before.find((line) => line.source_key.endsWith('|ANO|1|1'))?.line_number).toBe(1);
    expect(before.every((line) => line.source_key.endsWith(`|${line.line_number}`))).toBe(true);

    const text = readFileSync(path.join(dir, FEC), 'utf8').split('\n');
    text.splice(100, 0, ...lateEntry);
    writeFileSync(path.join(dir, FEC), text.join('\n'));
    const again = await run(dir);
    expect(again.removedStaleRows).toBe(0);

    const after = lines(dir);
    expect(after).toHaveLength(5424);
    const byKey = new Map(after.map((line) => [line.source_key, line]));
    for (const line of before) expect(byKey.get(line.source_key)).toEqual(line);
    expect(after.filter((line) => line.source_key.includes('|OD|9999|')).map((l) => l.line_number)).toEqual([
      1, 2,
    ]);

    const reconciled = await cli(['reconcile', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  }, 120_000);

  it('number the lines a resumed run replays as an uninterrupted run does, after a SIGKILL inside the lines', async () => {
    const killed = await books(25);
    const clean = await books(25);
    const child = startCli(['run', '--plan', path.join(killed, 'cutover.yaml'), '--json']);
    const done = finished(child);
    let exited = false;
    void done.then(() => (exited = true));
    const started = Date.now();
    while (!exited && entryLineCheckpoint(killed) < 2000 && Date.now() - started < 60_000) await sleep(5);
    child.kill('SIGKILL');
    const result = await done;
    const checkpoint = entryLineCheckpoint(killed);
    // The test proves something only when the kill landed inside the lines.
    expect([result.signal, checkpoint > 0 && checkpoint < 5422], `checkpoint ${checkpoint}`).toEqual([
      'SIGKILL',
      true,
    ]);

    await run(killed);
    await run(clean);
    const withoutIds = (dir: string) => lines(dir).map(({ id: _id, ...line }) => line);
    expect(withoutIds(killed)).toEqual(withoutIds(clean));
  }, 120_000);
});

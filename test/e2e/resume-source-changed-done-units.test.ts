import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../src/pipeline/run/run-migration.js';
import type { LedgerEntry } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { fec, migrate, resumeFecPlan } from './support/resume-fec-fixture.js';

/**
 * A resume whose files changed starts the unit at hand over, but the units of the same dossier that this run had
 * already finished are left as they were: the five entities of a FEC read one file, so the journal, accounts and
 * entries loaded from the old export stay, while the lines are read from the new one. The target then mixes two
 * exports: a line on an account the new export adds is rejected UNKNOWN_PARENT, though the account is in the same
 * file, and the ledger's entries of the finished units name lines of the old file. A run never interrupted on the
 * final file loads both.
 */
const plan = resumeFecPlan('resume-done-units');

const HEADER_LINES = (text: string) => text.split('\n').filter((row) => row !== '');
/** The same lines, entry 2's moved to the end of the file (same records, other line numbers). */
const reordered = (text: string) => {
  const [header, ...rows] = HEADER_LINES(text);
  const moved = rows.filter((row) => row.split('\t')[2] === '2');
  return `${[header, ...rows.filter((row) => !moved.includes(row)), ...moved].join('\n')}\n`;
};

const killedInLines = async (dir: string, first: string) => {
  const planFile = path.join(dir, 'cutover.yaml');
  const file = path.join(dir, 'fec', 'D1', '123456789FEC20241231.txt');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(planFile, plan);
  writeFileSync(file, first);
  const killed = await migrate(
    planFile,
    (method, args) => method === 'writeBatch' && (args[0] as { entity: string }).entity === 'entry_line',
  );
  expect(killed, 'killed while loading the lines').toBeUndefined();
  return { planFile, file };
};

describe('a FEC rewritten between a kill in its lines and the resume', () => {
  it('loads the account and entry the new export adds, as a run never interrupted does', async () => {
    const { planFile, file } = await killedInLines(tempDir('cutover-e2e-resume-done-'), fec(false));
    writeFileSync(file, fec(true));
    const resumed = await migrate(planFile);
    expect(resumed!.summary.resumed).toBe(true);
    expect(resumed!.ledger.map((entry) => [entry.entity, entry.sourceKey, entry.reason])).toEqual([]);
    expect(resumed!.summary.records).toMatchObject({ rejected: 0 });
    expect(resumed!.reconciled.ok, JSON.stringify(resumed!.reconciled.entities)).toBe(true);
  });

  it('gives the finished units’ ledger entries the lines of the new file', async () => {
    // Entry 3 has an impossible date: rejected, with its three lines... named by their line in the file.
    const broken = fec(false).replace(/(OD\tOPERATIONS DIVERSES\t3\t)20240115/g, '$120241345');
    const { planFile, file } = await killedInLines(tempDir('cutover-e2e-resume-done-'), broken);
    writeFileSync(file, reordered(broken));
    const resumed = await migrate(planFile);
    const dir = tempDir('cutover-e2e-resume-done-clean-');
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    writeFileSync(path.join(dir, 'cutover.yaml'), plan);
    writeFileSync(path.join(dir, 'fec', 'D1', '123456789FEC20241231.txt'), reordered(broken));
    const clean = await migrate(path.join(dir, 'cutover.yaml'));
    const where = (ledger: LedgerEntry[]) =>
      ledger.map((entry) => [entry.entity, entry.sourceKey, entry.line]);
    expect(resumed!.reconciled.ok).toBe(true);
    expect(where(resumed!.ledger)).toEqual(where(clean!.ledger));
  });

  // The live progress (records, rate, ETA) counts what this process reads: every unit of the dossier is started over
  // before its first read (its files' stamp is compared first), so the progress counts each record of the new export
  // once, as the summary does, never the killed process's reads on top.
  it('counts in its live progress each record of the dossier it starts over once, as its summary does', async () => {
    const { planFile, file } = await killedInLines(tempDir('cutover-e2e-resume-done-'), fec(false));
    writeFileSync(file, fec(true));
    const events: RunProgress[] = [];
    const resumed = await migrate(planFile, undefined, (event) => events.push(event));
    expect(resumed!.summary.notices.map((notice) => notice.code)).toContain('SOURCE_CHANGED_ON_RESUME');
    // One journal, eight accounts, seven entries and their fourteen lines, each read once.
    expect(resumed!.summary.records.read).toBe(1 + 8 + 7 + 14);
    expect(events.at(-1)).toMatchObject({ dossiersDone: 1, records: 30, etaMs: 0 });
    expect(Math.max(...events.map((event) => event.records))).toBe(30);
  });
});

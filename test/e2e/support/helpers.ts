import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EntityName } from '../../../src/core/model/canonical-model.js';
import { StateStore, type LedgerEntry } from '../../../src/store/state/state-store.js';
import { SqliteTarget } from '../../../src/store/target/sqlite-target.js';
import type { TargetRowRead, TargetStore } from '../../../src/store/target/target-store.js';

/** Writes files (text, or bytes) under `dir`, creating folders as needed. */
export const writeFiles = (dir: string, files: Readonly<Record<string, string | Buffer>>): void => {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
};

/** The default state store of a plan in `dir`: `.cutover/state.db` next to it. */
export const defaultStatePath = (dir: string): string => path.join(dir, '.cutover', 'state.db');

/** Every ledger entry of a state store, in (dossier, entity, record) order. */
export const readLedger = async (location: string): Promise<LedgerEntry[]> => {
  const state = await StateStore.open(location);
  try {
    return await state.ledgerEntries();
  } finally {
    await state.close();
  }
};

/** All rows of a target entity and dossier, references as the parent's source key. */
export const readTargetRows = async (
  target: TargetStore,
  entity: EntityName,
  dossier: string,
): Promise<TargetRowRead[]> => {
  const rows: TargetRowRead[] = [];
  for await (const batch of target.readRows(entity, dossier)) rows.push(...batch);
  return rows;
};

/** Rows of a SQLite target file, opened for the time of the read. */
export const readSqliteTargetRows = async (
  file: string,
  entity: EntityName,
  dossier: string,
): Promise<TargetRowRead[]> => {
  const target = new SqliteTarget(file);
  try {
    return await readTargetRows(target, entity, dossier);
  } finally {
    await target.close();
  }
};

/** Runs one read-only query on a SQLite file. */
export const querySqlite = <T>(file: string, sql: string, ...params: unknown[]): T[] => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
};

/** Counts by a key, as a plain object (readable in a failure diff). */
export const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

/** A small seeded generator (mulberry32): the same seed gives the same kill points, printed when a test fails. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The ledger entry without the run that wrote it: what two runs of one plan must agree on. */
export const ledgerContent = (entry: LedgerEntry) => {
  const { runId: _runId, ...content } = entry;
  return content;
};

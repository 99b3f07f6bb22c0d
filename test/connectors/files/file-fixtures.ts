import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReadOptions, RecordSource } from '../../../src/core/record-source.js';
import type { SourceRecord } from '../../../src/core/source-record.js';
import { encodeLegacy } from '../../../src/connectors/files/legacy-code-page.js';
import { sharedData } from '../../support/shared-data.js';

/** The shared, read-only FEC samples (see shared/data/README.md), found from this file so any working folder works. */
export const sharedFecDir = sharedData('fec');

/** A fresh folder under the system temp dir; `cleanup` removes it. */
export const makeTempDir = async (): Promise<{ dir: string; cleanup: () => Promise<void> }> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-files-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
};

/** Writes bytes (a string is written as UTF-8) to `dir/name`, creating folders; returns the file as sources want it. */
export const writeFixture = async (
  dir: string,
  name: string,
  content: string | Buffer | readonly number[],
): Promise<{ path: string; relative: string }> => {
  const target = path.join(dir, name);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(
    target,
    typeof content === 'string' || Buffer.isBuffer(content) ? content : Buffer.from(content),
  );
  return { path: target, relative: name };
};

/** Windows-1252 bytes of a text made of Latin-1 characters (é is 0xE9): how legacy exports really look. */
export const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** ISO-8859-15 bytes of a text (œ is 0xBD, € 0xA4), as the FEC norm allows and Unix-era software wrote. */
export const iso885915 = (text: string): Buffer => encodeLegacy(text, 'iso-8859-15');

/** IBM 850 bytes of a text (é is 0x82, É 0x90), as DOS-era software wrote. */
export const ibm850 = (text: string): Buffer => encodeLegacy(text, 'ibm850');

export const readAll = async (
  source: RecordSource,
  options?: ReadOptions,
): Promise<{ records: SourceRecord[]; batchSizes: number[] }> => {
  const records: SourceRecord[] = [];
  const batchSizes: number[] = [];
  for await (const batch of source.read(options)) {
    batchSizes.push(batch.length);
    records.push(...batch);
  }
  return { records, batchSizes };
};

/** What a test usually compares: the values, where the record starts, and its problem if any. */
export const summary = (record: SourceRecord | undefined) => ({
  fields: record?.fields,
  line: record?.location.line,
  record: record?.location.record,
  reason: record?.problem?.reason,
});

export const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
};

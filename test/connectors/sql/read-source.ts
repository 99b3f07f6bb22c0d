import { expect } from 'vitest';
import { CutoverError } from '../../../src/core/errors.js';
import type { ReadOptions, RecordSource } from '../../../src/core/record-source.js';
import type { SourceRecord } from '../../../src/core/source-record.js';

/** Every batch of a read, in order. */
export const readAll = async (source: RecordSource, options?: ReadOptions): Promise<SourceRecord[][]> => {
  const batches: SourceRecord[][] = [];
  for await (const batch of source.read(options)) batches.push(batch);
  return batches;
};

/** The first batch only: the reader stops early, as a consumer that found what it wanted does. */
export const firstBatch = async (source: RecordSource, options?: ReadOptions): Promise<SourceRecord[]> => {
  for await (const batch of source.read(options)) return batch;
  return [];
};

/** The CutoverError a call throws or a promise rejects with; fails the test when there is none. */
export const failureOf = async (run: () => unknown): Promise<CutoverError> => {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  throw new Error('expected a CutoverError, but nothing was thrown');
};

/**
 * The test URL as a plan must write it: a password (CI may use one) moves to an environment variable,
 * since a plan's URL may not carry one.
 */
export const planUrl = (url: string, variable: string): { url: string; env: NodeJS.ProcessEnv } => {
  const parsed = new URL(url);
  if (parsed.password === '') return { url, env: {} };
  const template = `${parsed.protocol}//${parsed.username}:\${${variable}}@${parsed.host}${parsed.pathname}${parsed.search}`;
  return { url: template, env: { [variable]: decodeURIComponent(parsed.password) } };
};

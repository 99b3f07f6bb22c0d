import path from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { normaliseAccountNumber } from '../../domains/accounting/fec-line-facts.js';
import { csvSource } from './csv-source.js';

/** A firm's chart-of-accounts mapping: legacy account number → the firm's, and the numbers mapped two ways. */
export interface AccountMapping {
  readonly source: string;
  readonly accounts: ReadonlyMap<string, string>;
  /** Legacy numbers the table maps to more than one account, with every target it names. */
  readonly ambiguous: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads the plan's mapping table (CSV with columns `from` and `to`). A `from` is brought to the chart's length
 * first, as the FEC's numbers are, so that `411` and `41100000` name one row. The table is small (one row per
 * account of a chart): read whole, once per source.
 */
export const readAccountMapping = async (
  baseDir: string,
  file: string,
  length: number | undefined,
): Promise<AccountMapping> => {
  const source = csvSource(
    { type: 'csv', path: file, encoding: 'auto', delimiter: 'auto', quote: '"' },
    { path: path.resolve(baseDir, file), relative: file },
  );
  const targets = new Map<string, Set<string>>();
  for await (const batch of source.read()) {
    for (const record of batch) {
      const from = typeof record.fields.from === 'string' ? record.fields.from.trim() : '';
      const to = typeof record.fields.to === 'string' ? record.fields.to.trim() : '';
      if (!('from' in record.fields) || !('to' in record.fields)) {
        throw new CutoverError('PLAN_INVALID', `${file}: the account mapping needs columns "from" and "to"`);
      }
      if (from === '' || to === '') continue;
      const key = length === undefined ? from : (normaliseAccountNumber(from, length) ?? from);
      const set = targets.get(key) ?? new Set<string>();
      set.add(to);
      targets.set(key, set);
    }
  }
  const accounts = new Map<string, string>();
  const ambiguous = new Map<string, string[]>();
  for (const [from, to] of targets) {
    if (to.size === 1) accounts.set(from, [...to][0] as string);
    else ambiguous.set(from, [...to]);
  }
  return { source: file, accounts, ambiguous };
};

import { readFileSync } from 'node:fs';
import {
  trialBalanceOf,
  type TrialBalance,
  type TrialBalanceLine,
} from '../../../src/domains/accounting/trial-balance.js';

/**
 * A deliberately small FEC reader, independent of the FEC source connector, for round-trip tests: the trial balance
 * of a FEC file read straight from its bytes. Tab or pipe separated, BOM, CRLF, padded values (trimmed), amounts
 * with a decimal comma (leading zeros allowed), dates YYYYMMDD. `skipLines`: physical 1-based lines to leave out
 * (known rejects).
 */
export const fecFileTrialBalance = (
  file: string,
  skipLines: ReadonlySet<number> = new Set(),
): TrialBalance => {
  const text = readFileSync(file, 'latin1').replace(/^\u00ef\u00bb\u00bf/, '');
  const rows = text.split(/\r?\n/);
  const header = rows[0] ?? '';
  const separator = header.includes('\t') ? '\t' : '|';
  const names = header.split(separator).map((name) => name.trim().toLowerCase());
  const column = (name: string) => {
    const index = names.indexOf(name.toLowerCase());
    if (index < 0) throw new Error(`${file}: no column ${name}`);
    return index;
  };
  const at = {
    journal: column('JournalCode'),
    entry: column('EcritureNum'),
    date: column('EcritureDate'),
    account: column('CompteNum'),
    auxiliary: column('CompAuxNum'),
    debit: column('Debit'),
    credit: column('Credit'),
    lettering: column('EcritureLet'),
  };
  const amount = (value: string) => value.trim().replace(',', '.') || '0';
  const lines: TrialBalanceLine[] = [];
  rows.slice(1).forEach((row, index) => {
    if (row === '' || skipLines.has(index + 2)) return;
    const fields = row.split(separator).map((field) => field.trim());
    const field = (position: number) => fields[position] ?? '';
    const date = field(at.date);
    lines.push({
      journal: field(at.journal),
      entryNumber: field(at.entry),
      date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      account: field(at.account),
      auxiliaryAccount: field(at.auxiliary),
      debit: amount(field(at.debit)),
      credit: amount(field(at.credit)),
      letteringCode: field(at.lettering),
    });
  });
  return trialBalanceOf(lines);
};

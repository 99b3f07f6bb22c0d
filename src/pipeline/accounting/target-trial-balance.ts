import {
  createTrialBalanceAccumulator,
  type TrialBalance,
  type TrialBalanceLine,
} from '../../domains/accounting/trial-balance.js';
import type { BookLine } from '../../store/target/book-lines.js';
import type { TargetStore } from '../../store/target/target-store.js';

/** A migrated entry line as the trial balance reads it; a missing parent leaves its code empty. */
export const trialBalanceLineOf = (line: BookLine): TrialBalanceLine => ({
  account: line.accountNumber ?? '',
  auxiliaryAccount: line.thirdPartyNumber,
  journal: line.journalCode ?? '',
  entryNumber: line.entryNumber ?? '',
  date: line.entryDate ?? '',
  debit: line.debit,
  credit: line.credit,
  letteringCode: line.letteringCode,
});

/**
 * The trial balance of one dossier of the target, streamed from it (the reconciliation's "target" side, to compare
 * with the source's through `compareTrialBalances`).
 */
export const targetTrialBalance = async (target: TargetStore, dossier: string): Promise<TrialBalance> => {
  const accumulator = createTrialBalanceAccumulator();
  for await (const batch of target.readBookLines(dossier))
    for (const line of batch) accumulator.add(trialBalanceLineOf(line));
  return accumulator.result();
};

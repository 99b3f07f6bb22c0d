import { isCutoverError } from '../core/errors.js';
import {
  ecritureDateFormats,
  fiscalYearPlaceOf,
  type FiscalYearDays,
} from '../pipeline/export/rejected-line-fiscal-year.js';
import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { StateStore } from '../store/state/state-store.js';
import { checkedStateLocation, stateConnection } from './state-location.js';
import { systemErrorAsCutoverError } from './system-error.js';

/** The rejected entry lines of a dossier placed against the one fiscal year exported, by the date each carries. */
export interface RejectedByFiscalYear {
  /** The closing date of the fiscal year exported. */
  readonly closingDate: string;
  /** Lines whose date could not be read (a line rejected for its date): of no year that can be told. */
  readonly undated: number;
  /** Lines dated in the dossier's other fiscal years (outside the one exported). */
  readonly otherYears: number;
}

/**
 * The entry lines of a dossier the ledger holds as rejected, or why the ledger could not say. `count` is those of the
 * fiscal year exported when `fiscalYear` is there, else those of the whole dossier.
 */
export type RejectedEntryLines =
  | { readonly count: number; readonly fiscalYear?: RejectedByFiscalYear; readonly problem?: undefined }
  | { readonly count: null; readonly fiscalYear?: undefined; readonly problem: string };

/**
 * Counts the entry lines of one dossier that the migration rejected, from the plan's state store (or `--state`),
 * opened only if it exists: a store that is not there is never created (one made by an older version is migrated,
 * as by any command). Asked after a FEC export has written its file,
 * to say why entries do not balance; a store that cannot be read is then a gap in that explanation, not a failure
 * of the export, so it comes back as the reason instead of being thrown.
 *
 * With `year` (the export holds one fiscal year of several), the lines are told apart by the EcritureDate of their
 * raw FEC line, read page by page from the ledger, when the plan reads entry lines from FEC files; the ledger keeps
 * no year of its own, so for another source the count stays the dossier's.
 */
export const rejectedEntryLines = async (
  loaded: LoadedPlan,
  state: string | undefined,
  dossier: string,
  year?: FiscalYearDays,
): Promise<RejectedEntryLines> => {
  try {
    const location = checkedStateLocation(loaded, state, { mustExist: true });
    const store = await StateStore.open(stateConnection(location), {
      plan: loaded.plan.name,
      planFrom: state === undefined ? 'plan' : 'option',
      mustExist: true,
    });
    try {
      if (year === undefined || loaded.plan.entities.entry_line?.source.type !== 'fec')
        return { count: await store.countLedger(dossier, 'entry_line', 'rejected') };
      const placeOf = fiscalYearPlaceOf(year, ecritureDateFormats(loaded.plan));
      const counts = { in: 0, outside: 0, undated: 0 };
      for await (const page of store.ledgerRawRecords(dossier, 'entry_line', 'rejected'))
        for (const raw of page) counts[placeOf(raw)] += 1;
      return {
        count: counts.in,
        fiscalYear: { closingDate: year.closing, undated: counts.undated, otherYears: counts.outside },
      };
    } finally {
      await store.close();
    }
  } catch (thrown) {
    const error = systemErrorAsCutoverError(thrown) ?? thrown;
    if (!isCutoverError(error)) throw error;
    return { count: null, problem: error.message };
  }
};

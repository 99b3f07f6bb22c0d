import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { formatFecDate, nextDay, parseFecDate } from '../../domains/accounting/fec/fec-date.js';
import {
  fecAmount,
  fecDate,
  fecFileName,
  fecHeaderLine,
  fecRecordLine,
  fecText,
  sirenOf,
  type FecRecord,
} from '../../domains/accounting/fec-format.js';
import {
  createEntryBalanceCheck,
  type UnbalancedEntries,
} from '../../domains/accounting/entry-balance-check.js';
import {
  createTrialBalanceAccumulator,
  type TrialBalance,
  type TrialBalanceFigures,
} from '../../domains/accounting/trial-balance.js';
import type { BookLine } from '../../store/target/book-lines.js';
import { trialBalanceLineOf } from '../accounting/target-trial-balance.js';
import type { TargetStore } from '../../store/target/target-store.js';
import type { FiscalYearDays } from './rejected-line-fiscal-year.js';

export interface FecExportOptions {
  readonly target: TargetStore;
  readonly dossier: string;
  /**
   * Where to write: a file path, or a folder (an existing one, or a path ending with `/`) in which the file takes
   * its legal name. Default: the current folder.
   */
  readonly out?: string;
  /**
   * The fiscal year to write, by its closing date (`YYYY-MM-DD`): a FEC holds one fiscal year. Needed when the
   * dossier has several; with one, that one.
   */
  readonly fiscalYear?: string;
  /** Called after each batch of lines written, with the lines written so far. */
  readonly onProgress?: (lines: number) => void;
}

export interface FecExportResult {
  readonly dossier: string;
  /** Absolute path of the file written. */
  readonly file: string;
  /** `siren` when the name is the legal `SIRENFECYYYYMMDD.txt`, `dossier` when built from the dossier id. */
  readonly namedBy: 'siren' | 'dossier';
  readonly siren: string | null;
  /** Closing date of the fiscal year written, `YYYY-MM-DD`. */
  readonly closingDate: string | null;
  /** FEC lines written, the header not counted. */
  readonly lines: number;
  readonly entries: number;
  readonly totals: TrialBalanceFigures;
  /** Amounts written with more than two decimals because rounding them would have changed the books. */
  readonly widenedAmounts: number;
  /** Text fields whose tabs or line breaks became spaces (they would have split the line). */
  readonly replacedSeparators: number;
  /**
   * The entries written whose debits differ from their credits (`entries` 0 when every one balances): the tax
   * administration's test tool refuses them. Books migrated whole balance as their source did; an entry that lost
   * a line the migration rejected does not.
   */
  readonly unbalanced: UnbalancedEntries;
  /** The trial balance of what was written, for the reconciliation and the evidence pack. */
  readonly trialBalance: TrialBalance;
  /**
   * The days of the fiscal year written, when the dossier has others whose lines the file leaves out; absent when it
   * holds every line of the dossier (one fiscal year, or none loaded).
   */
  readonly onlyFiscalYear?: FiscalYearDays;
}

/** The closing dates of the dossier's fiscal years, in order. */
const closingDatesOf = async (target: TargetStore, dossier: string): Promise<string[]> => {
  const dates = new Set<string>();
  for await (const batch of target.readRows('fiscal_year', dossier)) {
    for (const row of batch) {
      const end = row.values.end_date;
      if (typeof end === 'string') dates.add(end);
    }
  }
  return [...dates].sort();
};

/** The day after an ISO date (`YYYY-MM-DD`), by the FEC's own calendar arithmetic. */
const dayAfter = (date: string): string => formatFecDate(nextDay(parseFecDate(date.replaceAll('-', ''))));

/**
 * The days of the fiscal year closing on `closing` against the dossier's other years (`closings`, in order): from the
 * day after the year before closed to its own closing, the first year unbounded below and the last above. Not from
 * the opening date the target holds: a FEC plan guesses it a year before the closing, a first year may run 23
 * months, and a line dated before the opening or after the closing of the first or last year is of no other year
 * of the dossier: its file put it in this one.
 */
const fiscalYearDays = (closings: readonly string[], closing: string): FiscalYearDays => {
  const at = closings.indexOf(closing);
  return {
    start: at > 0 ? dayAfter(closings[at - 1]!) : null,
    end: at < closings.length - 1 ? closing : null,
    closing,
  };
};

/** The fiscal year to export: the one asked for (which must exist), or the only one, or none when there is none. */
const chooseFiscalYear = (
  dossier: string,
  years: readonly string[],
  asked: string | undefined,
): string | null => {
  if (asked !== undefined) {
    if (!years.includes(asked))
      throw new CutoverError(
        ErrorCode.USAGE,
        `dossier ${dossier} has no fiscal year closing on ${asked} (${years.length === 0 ? 'it has none' : `it has ${years.join(', ')}`})`,
        { context: { dossier } },
      );
    return asked;
  }
  if (years.length > 1)
    throw new CutoverError(
      ErrorCode.USAGE,
      `dossier ${dossier} has ${years.length} fiscal years (${years.join(', ')}) and a FEC holds one: choose it with --fiscal-year`,
      { context: { dossier } },
    );
  return years[0] ?? null;
};

/** What the FEC is read from: a load of any of these left half done would make a FEC that silently lacks lines. */
const exportedEntities = ['fiscal_year', 'journal', 'account', 'third_party', 'entry', 'entry_line'] as const;

const refuseUnfinishedLoad = async (target: TargetStore, dossier: string): Promise<void> => {
  for (const entity of exportedEntities) {
    const checkpoint = await target.checkpoint(dossier, entity);
    // No checkpoint: rows written by something other than `cutover run` (or none); nothing says they are partial.
    if (checkpoint !== undefined && !checkpoint.done)
      throw new CutoverError(
        ErrorCode.USAGE,
        `the load of ${entity} for dossier ${dossier} is not finished (run ${checkpoint.runId}): run \`cutover run\` to complete it before exporting`,
        { context: { dossier, entity, runId: checkpoint.runId } },
      );
  }
};

const resolveOut = async (out: string | undefined, name: string): Promise<string> => {
  if (out === undefined) return path.resolve(name);
  if (out.endsWith('/') || out.endsWith(path.sep)) return path.resolve(out, name);
  const existing = await stat(out).catch(() => undefined);
  return existing?.isDirectory() === true ? path.resolve(out, name) : path.resolve(out);
};

const write = async (stream: WriteStream, text: string): Promise<void> => {
  if (stream.errored !== null) throw stream.errored;
  if (!stream.write(text)) await once(stream, 'drain');
};

/**
 * Writes one dossier of the target as a legal FEC, streamed from the target in book order (entry date, journal,
 * entry number, line number), so a dossier of any size is never held in memory. A dossier whose load is not
 * finished is refused. The file is written under a temporary name and renamed when complete: a crash never leaves a
 * truncated FEC that looks whole.
 */
export const fecExport = async (options: FecExportOptions): Promise<FecExportResult> => {
  const { target, dossier } = options;
  const dossierRow = await target.readDossier(dossier);
  if (dossierRow === undefined && !(await target.hasRows(dossier, 'entry_line')))
    throw new CutoverError(ErrorCode.USAGE, `dossier ${dossier} is not in the target`, {
      context: { dossier },
    });
  // A CRM dossier has no books: an empty FEC with exit 0 would pass for an export of a dossier with no entries.
  if (!(await target.hasRows(dossier, 'entry_line')) && !(await target.hasRows(dossier, 'fiscal_year')))
    throw new CutoverError(
      ErrorCode.USAGE,
      `dossier ${dossier} holds no accounting (no fiscal year, no entry line): there is no FEC to write`,
      { context: { dossier } },
    );
  await refuseUnfinishedLoad(target, dossier);
  const siren = sirenOf(dossierRow?.attributes.siren);
  const years = await closingDatesOf(target, dossier);
  const closingDate = chooseFiscalYear(dossier, years, options.fiscalYear);
  const { name, namedBy } = fecFileName(dossier, siren, closingDate);
  const file = await resolveOut(options.out, name);
  const partial = `${file}.partial-${process.pid}`;

  // With a single fiscal year (or none recorded) every line is the year's: no filter, lines without an entry kept.
  const filter = years.length > 1 && closingDate !== null ? closingDate : undefined;
  const balance = createTrialBalanceAccumulator();
  const entryBalances = createEntryBalanceCheck();
  let lines = 0;
  let widenedAmounts = 0;
  let replacedSeparators = 0;
  const amount = (value: string | null, zeroWhenEmpty: boolean): string => {
    const written = fecAmount(value ?? (zeroWhenEmpty ? '0' : null));
    if (written.widened) widenedAmounts++;
    return written.text;
  };
  const text = (value: string | null): string => {
    const written = fecText(value);
    if (written.replaced) replacedSeparators++;
    return written.text;
  };
  const recordOf = (line: BookLine): FecRecord => {
    const foreign = line.currencyAmount !== null;
    return {
      JournalCode: text(line.journalCode),
      JournalLib: text(line.journalLabel),
      EcritureNum: text(line.entryNumber),
      EcritureDate: fecDate(line.entryDate),
      CompteNum: text(line.accountNumber),
      CompteLib: text(line.accountLabel),
      CompAuxNum: text(line.thirdPartyNumber),
      CompAuxLib: text(line.thirdPartyName),
      PieceRef: text(line.pieceRef),
      PieceDate: fecDate(line.pieceDate),
      // A line's own label first; the entry's when the legacy software kept labels per entry only.
      EcritureLib: text(line.lineLabel ?? line.entryLabel),
      Debit: amount(line.debit, true),
      Credit: amount(line.credit, true),
      EcritureLet: text(line.letteringCode),
      DateLet: fecDate(line.letteringDate),
      ValidDate: fecDate(line.validatedOn),
      Montantdevise: foreign ? amount(line.currencyAmount, false) : '',
      Idevise: foreign ? text(line.currencyCode) : '',
    };
  };

  try {
    await mkdir(path.dirname(file), { recursive: true });
    const stream = createWriteStream(partial, { encoding: 'utf8' });
    // Errors are read from stream.errored at each write (and by once()); this listener only keeps an error
    // emitted between two writes from crashing the process.
    stream.on('error', () => undefined);
    try {
      await write(stream, fecHeaderLine());
      for await (const batch of target.readBookLines(dossier, undefined, filter)) {
        const parts: string[] = [];
        for (const line of batch) {
          parts.push(fecRecordLine(recordOf(line)));
          balance.add(trialBalanceLineOf(line));
          entryBalances.add(line);
        }
        lines += batch.length;
        await write(stream, parts.join(''));
        options.onProgress?.(lines);
      }
      stream.end();
      // 'close': the data is flushed and the descriptor closed, so the rename below publishes a whole file.
      await once(stream, 'close');
      if (stream.errored !== null) throw stream.errored;
    } finally {
      if (!stream.closed) stream.destroy();
    }
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof CutoverError) throw error;
    throw new CutoverError(ErrorCode.FILE_NOT_FOUND, `cannot write the FEC ${file}: ${messageOf(error)}`, {
      cause: error,
      context: { file, dossier },
    });
  }

  const trialBalance = balance.result();
  return {
    ...(filter === undefined ? {} : { onlyFiscalYear: fiscalYearDays(years, filter) }),
    dossier,
    file,
    namedBy,
    siren: siren ?? null,
    closingDate,
    lines,
    entries: trialBalance.entries,
    totals: trialBalance.totals,
    widenedAmounts,
    replacedSeparators,
    unbalanced: entryBalances.result(),
    trialBalance,
  };
};

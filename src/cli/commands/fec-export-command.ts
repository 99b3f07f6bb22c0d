import { ExitCode } from '../../core/exit-codes.js';
import type { UnbalancedEntries, UnbalancedEntry } from '../../domains/accounting/entry-balance-check.js';
import { fecExport } from '../../pipeline/export/fec-export.js';
import { loadPlanFile } from '../../pipeline/plan/load-plan-file.js';
import { openTarget } from '../../pipeline/run/open-target.js';
import { createOutput, formatAmount, formatCount, formatNumber } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';
import { rejectedEntryLines, type RejectedEntryLines } from '../rejected-entry-lines.js';
import { checkedStateLocation } from '../state-location.js';
import { visibleText } from '../visible-text.js';

export interface FecExportCommandOptions {
  plan: string;
  state?: string;
  dossier: string;
  out?: string;
  fiscalYear?: string;
  json?: boolean;
}

const entryName = (entry: UnbalancedEntry): string => {
  if (entry.journal === null && entry.entryNumber === null && entry.date === null) return 'lines of no entry';
  const piece = entry.pieceRef === null || entry.pieceRef === '' ? '' : ` (piece ${entry.pieceRef})`;
  const number = entry.entryNumber === null || entry.entryNumber === '' ? '(no number)' : entry.entryNumber;
  return `journal ${entry.journal ?? '(none)'}, entry ${number}${piece} of ${entry.date ?? '(no date)'}`;
};

/** A dossier id as a shell reads it back in a command to copy: quoted when it holds anything but plain characters. */
const shellWord = (text: string): string =>
  /^[\w.@%+=:,/-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Why entries do not balance, as far as the ledger says. The export of one fiscal year of several (`oneYear`) counts
 * the rejected lines dated in that year, and apart those whose date could not be read; when the ledger could not tell
 * years apart (entry lines of another source than a FEC) the count is the dossier's, and the warning says so.
 */
const whyUnbalanced = (dossier: string, rejected: RejectedEntryLines, oneYear: boolean): string => {
  const option = `--dossier ${shellWord(dossier)}`;
  const listing = `\`cutover ledger ${option} --entity entry_line --fate rejected\``;
  if (rejected.count === null)
    return `the ledger could not be read to say how many entry lines the migration rejected (${rejected.problem}); ${listing} lists them`;
  const byYear = rejected.fiscalYear;
  const undated = byYear?.undated ?? 0;
  const otherYears = byYear?.otherYears ?? 0;
  const inYear = byYear === undefined ? '' : ` dated in its fiscal year closing on ${byYear.closingDate}`;
  if (rejected.count === 0 && undated === 0)
    return `the ledger holds no entry line of dossier ${dossier}${inYear} that the migration rejected${otherYears === 0 ? '' : ` (it holds ${formatCount(otherYears, 'line')} of its other fiscal years)`}, so these entries do not balance in the books as migrated: check the source (\`cutover fec validate\` on a FEC) and the lines a plan rule skipped (\`cutover ledger ${option} --entity entry_line\`)`;
  // Lines of no readable date are said apart, never dropped: one of them may be the line an entry lost.
  const held =
    rejected.count === 0
      ? `${formatCount(undated, 'entry line')} of dossier ${dossier} whose date could not be read`
      : `${formatCount(rejected.count, 'entry line')} of dossier ${dossier}${inYear}${undated === 0 ? '' : `, and ${formatNumber(undated)} more whose date could not be read,`}`;
  const one = rejected.count + undated === 1;
  const years =
    oneYear && byYear === undefined ? ' (in all its fiscal years, not only the one exported)' : '';
  const listed =
    otherYears === 0 ? '' : ` (with the ${formatCount(otherYears, 'line')} of its other fiscal years)`;
  return `the ledger holds ${held}${years} that the migration rejected, and the export is the migrated books, without ${one ? 'it' : 'them'}: ${listing} shows why${listed}; once the source or the plan is fixed, \`cutover replay\` loads ${one ? 'it' : 'them'} and a new export balances`;
};

/** The warning on stderr for a FEC whose entries do not all balance: which, by how much, and why. */
const unbalancedWarning = (
  dossier: string,
  unbalanced: UnbalancedEntries,
  rejected: RejectedEntryLines,
  oneYear: boolean,
): string => {
  const count = unbalanced.entries;
  const lines = [
    `cutover: warning: ${count === 1 ? '1 entry' : `${formatNumber(count)} entries`} of this FEC ${count === 1 ? 'does' : 'do'} not balance (debit differs from credit); the tax administration's test tool refuses such entries:`,
    ...unbalanced.first.map(
      (entry) =>
        `  ${entryName(entry)}: debit ${formatAmount(entry.debit)}, credit ${formatAmount(entry.credit)}`,
    ),
    ...(count > unbalanced.first.length
      ? [`  … and ${formatNumber(count - unbalanced.first.length)} more`]
      : []),
    `  imbalance: debit ${formatAmount(unbalanced.debit)}, credit ${formatAmount(unbalanced.credit)} on ${count === 1 ? 'this entry' : 'these entries'}, debit - credit ${formatAmount(unbalanced.balance)}`,
    `  why: ${whyUnbalanced(dossier, rejected, oneYear)}.`,
  ];
  return `${lines.map(visibleText).join('\n')}\n`;
};

/**
 * `cutover fec export`: one dossier of the plan's target written as a legal FEC. Entries that do not balance are
 * said on stderr (and in the JSON), with exit code 0: the file is the true content of the target, and a migration
 * that rejected some lines is done with exit 0 too (exit 3 is kept for a threshold the plan sets).
 */
export const fecExportCommand = async (options: FecExportCommandOptions): Promise<number> => {
  const output = createOutput(options);
  // Said of --out as given: the export writes a temporary `….partial-PID` beside it, the path Node would name.
  if (options.out !== undefined)
    refuseUnwritablePath('--out', options.out, {
      kind: /[\\/]$/.test(options.out) ? 'folder' : 'any',
      createsFolders: true,
    });
  const loaded = await loadPlanFile(options.plan);
  // A --state no store can live at is refused now (exit 2), not after the export; it is read only when needed.
  checkedStateLocation(loaded, options.state, { mustExist: false });
  const target = await openTarget(loaded, process.env, { mustExist: true });
  try {
    const result = await fecExport({
      target,
      dossier: options.dossier,
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(options.fiscalYear === undefined ? {} : { fiscalYear: options.fiscalYear }),
      onProgress: (lines) => output.progress(`exporting ${options.dossier}: ${formatNumber(lines)} lines`),
    });
    output.clearProgress();
    // The full trial balance is for programs (the reconciliation, the evidence pack); the command reports totals.
    const { trialBalance: _trialBalance, onlyFiscalYear, unbalanced, ...exported } = result;
    // Why entries do not balance is asked of the ledger only when some do not: a clean export needs no state store.
    const rejected =
      unbalanced.entries > 0
        ? await rejectedEntryLines(loaded, options.state, options.dossier, onlyFiscalYear)
        : undefined;
    const summary = {
      ...exported,
      unbalanced: {
        ...unbalanced,
        ...(rejected === undefined
          ? {}
          : {
              rejectedEntryLines: rejected.count,
              ...(rejected.problem === undefined ? {} : { ledgerProblem: rejected.problem }),
              ...(rejected.fiscalYear === undefined
                ? {}
                : {
                    rejectedEntryLinesFiscalYear: rejected.fiscalYear.closingDate,
                    rejectedEntryLinesUndated: rejected.fiscalYear.undated,
                    rejectedEntryLinesOtherYears: rejected.fiscalYear.otherYears,
                  }),
            }),
      },
    };
    output.info(`${result.file}`);
    output.info(
      `  ${formatNumber(result.lines)} lines, ${formatNumber(result.entries)} entries; debit ${formatAmount(result.totals.debit)}, credit ${formatAmount(result.totals.credit)}, balance ${formatAmount(result.totals.balance)}`,
    );
    if (result.namedBy === 'dossier') {
      // Which of the two is missing, and where it comes from: "the SIREN or the closing date" left both to check.
      const unknown = [
        ...(result.siren === null
          ? [
              'no nine-digit SIREN is known for it (a registry attribute `siren`, or FEC files named SIRENFECYYYYMMDD.txt)',
            ]
          : []),
        ...(result.closingDate === null ? ['no fiscal year was loaded for it, so no closing date'] : []),
      ];
      output.info(`  named after the dossier id: ${unknown.join('; ')}`);
    }
    if (result.widenedAmounts > 0)
      output.info(
        `  ${formatNumber(result.widenedAmounts)} amounts written with more than two decimals (never rounded)`,
      );
    if (result.replacedSeparators > 0)
      output.info(
        `  ${formatNumber(result.replacedSeparators)} text fields had tabs or line breaks turned into spaces`,
      );
    if (rejected !== undefined)
      process.stderr.write(
        unbalancedWarning(options.dossier, unbalanced, rejected, onlyFiscalYear !== undefined),
      );
    output.result(summary);
    return ExitCode.OK;
  } finally {
    await target.close();
  }
};

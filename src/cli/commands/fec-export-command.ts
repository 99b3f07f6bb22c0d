import { ExitCode } from '../../core/exit-codes.js';
import type { UnbalancedEntries, UnbalancedEntry } from '../../domains/accounting/entry-balance-check.js';
import { fecExport } from '../../pipeline/export/fec-export.js';
import { loadPlanFile } from '../../pipeline/plan/load-plan-file.js';
import { openTarget } from '../../pipeline/run/open-target.js';
import { createOutput, formatAmount, formatNumber } from '../output.js';
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
 * Why entries do not balance, as far as the ledger says. Its rejects are the dossier's, not a fiscal year's: the export
 * of one year (`--fiscal-year`) says that the count covers them all.
 */
const whyUnbalanced = (dossier: string, rejected: RejectedEntryLines, oneYear: boolean): string => {
  const option = `--dossier ${shellWord(dossier)}`;
  const listing = `\`cutover ledger ${option} --entity entry_line --fate rejected\``;
  if (rejected.count === null)
    return `the ledger could not be read to say how many entry lines the migration rejected (${rejected.problem}); ${listing} lists them`;
  if (rejected.count === 0)
    return `the ledger holds no entry line of dossier ${dossier} that the migration rejected, so these entries do not balance in the books as migrated: check the source (\`cutover fec validate\` on a FEC) and the lines a plan rule skipped (\`cutover ledger ${option} --entity entry_line\`)`;
  const lines = rejected.count === 1 ? '1 entry line' : `${formatNumber(rejected.count)} entry lines`;
  const years = oneYear ? ' (in all its fiscal years, not only the one exported)' : '';
  return `the ledger holds ${lines} of dossier ${dossier}${years} that the migration rejected, and the export is the migrated books, without ${rejected.count === 1 ? 'it' : 'them'}: ${listing} shows why; once the source or the plan is fixed, \`cutover replay\` loads ${rejected.count === 1 ? 'it' : 'them'} and a new export balances`;
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
    const { trialBalance: _trialBalance, unbalanced, ...exported } = result;
    // Why entries do not balance is asked of the ledger only when some do not: a clean export needs no state store.
    const rejected =
      unbalanced.entries > 0 ? await rejectedEntryLines(loaded, options.state, options.dossier) : undefined;
    const summary = {
      ...exported,
      unbalanced: {
        ...unbalanced,
        ...(rejected === undefined
          ? {}
          : {
              rejectedEntryLines: rejected.count,
              ...(rejected.problem === undefined ? {} : { ledgerProblem: rejected.problem }),
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
        unbalancedWarning(options.dossier, unbalanced, rejected, options.fiscalYear !== undefined),
      );
    output.result(summary);
    return ExitCode.OK;
  } finally {
    await target.close();
  }
};

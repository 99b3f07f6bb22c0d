import { ExitCode } from '../../core/exit-codes.js';
import { fecExport } from '../../pipeline/export/fec-export.js';
import { loadPlanFile } from '../../pipeline/plan/load-plan-file.js';
import { openTarget } from '../../pipeline/run/open-target.js';
import { createOutput, formatNumber } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';
import { withTwoDecimals } from '../../domains/accounting/fec/fec-amount.js';

export interface FecExportCommandOptions {
  plan: string;
  dossier: string;
  out?: string;
  fiscalYear?: string;
  json?: boolean;
}

/** `cutover fec export`: one dossier of the plan's target written as a legal FEC. */
export const fecExportCommand = async (options: FecExportCommandOptions): Promise<number> => {
  const output = createOutput(options);
  // Said of --out as given: the export writes a temporary `….partial-PID` beside it, the path Node would name.
  if (options.out !== undefined)
    refuseUnwritablePath('--out', options.out, {
      kind: /[\\/]$/.test(options.out) ? 'folder' : 'any',
      createsFolders: true,
    });
  const loaded = await loadPlanFile(options.plan);
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
    const { trialBalance: _trialBalance, ...summary } = result;
    output.info(`${result.file}`);
    output.info(
      `  ${formatNumber(result.lines)} lines, ${formatNumber(result.entries)} entries; debit ${withTwoDecimals(result.totals.debit)}, credit ${withTwoDecimals(result.totals.credit)}, balance ${withTwoDecimals(result.totals.balance)}`,
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
    output.result(summary);
    return ExitCode.OK;
  } finally {
    await target.close();
  }
};

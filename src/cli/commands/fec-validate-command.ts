import { visibleText } from '../visible-text.js';
import { basename } from 'node:path';
import { fecGroups, validateFecGroup } from '../../connectors/files/validate-fec-files.js';
import { LEGACY_ENCODING_NAMES, type LegacyEncoding } from '../../connectors/files/legacy-code-page.js';
import { isCutoverError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { FecSeverity } from '../../domains/accounting/fec/fec-finding-codes.js';
import type {
  FecFileEncoding,
  FecFinding,
  FecValidationReport,
} from '../../domains/accounting/fec/fec-validator.js';
import { createOutput, formatAmount, formatCount, formatNumber, type Output } from '../output.js';

export interface FecValidateCommandOptions {
  json?: boolean;
  /** The code page of lines that are not UTF-8. */
  legacyEncoding?: LegacyEncoding;
}

const SEVERITY_TITLES: Record<FecSeverity, string> = {
  error: 'Errors',
  alert: 'Alerts',
  'missing-data': 'Missing data',
};

const SEPARATOR_NAMES: Record<string, string> = { '\t': 'tab', '|': 'pipe' };

const ENCODING_NAMES: Record<FecFileEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
};

/** `IBM 850 (DOS)` for `ibm850`, as the run's notices name it. */
const legacyName = (encoding: string): string =>
  Object.hasOwn(LEGACY_ENCODING_NAMES, encoding)
    ? LEGACY_ENCODING_NAMES[encoding as LegacyEncoding]
    : encoding;

const linesText = (finding: FecFinding): string => {
  // Items that give their own lines say where, each under the finding: the same numbers after it were noise (and,
  // numbered per journal, out of order).
  if (finding.lines.length === 0 || finding.items?.some((item) => item.lines.length > 0) === true) return '';
  const more = finding.count - finding.lines.length;
  // Book-level findings count entries or groups, not lines: "more" is only said of line-level ones.
  const suffix = finding.items === undefined && more > 0 ? ` and ${formatNumber(more)} more` : '';
  return ` — line${finding.lines.length > 1 ? 's' : ''} ${finding.lines.join(', ')}${suffix}`;
};

const renderReport = (output: Output, report: FecValidationReport): void => {
  const { summary } = report;
  const name = report.files.map((file) => basename(file)).join(' + ');
  const who =
    report.fileName === null
      ? 'file name outside the norm'
      : `SIREN ${report.fileName.siren}, closing ${report.fileName.closingDate}`;
  output.info(`${name} (${who})`);
  if (summary.linesChecked) {
    output.info(
      `  ${formatNumber(summary.lines)} lines, ${formatNumber(summary.entries)} entries: ${formatNumber(summary.balancedEntries)} balanced, ${formatNumber(summary.unbalancedEntries)} unbalanced`,
    );
    output.info(
      `  total debit ${formatAmount(summary.totalDebit)}, total credit ${formatAmount(summary.totalCredit)}${summary.balanced ? ' (balanced)' : ' (NOT balanced)'}`,
    );
  } else {
    // Totals of zero and "balanced" would be read as a verdict on books that were never read.
    output.info(
      `  ${formatNumber(summary.lines)} line${summary.lines === 1 ? '' : 's'}, not checked: the header lacks an amount column (see the errors below)`,
    );
  }
  const layout = summary.layout;
  output.info(
    `  layout: ${SEPARATOR_NAMES[layout.separator ?? ''] ?? 'unknown separator'}${layout.trailingSeparator ? ' with trailing separator' : ''}, ${layout.columns} columns (${layout.variant}), ${summary.linesChecked ? layout.amounts : 'no amount columns'}; encoding: ${ENCODING_NAMES[summary.encoding.name]}${summary.encoding.bom ? ' with BOM' : ''}${summary.encoding.fallbackLines > 0 ? `, ${formatCount(summary.encoding.fallbackLines, 'line')} read as ${summary.encoding.fallbackEncodings.map(legacyName).join(', ')}` : ''}`,
  );
  if (summary.linesChecked)
    output.info(
      `  numbering: ${summary.numbering.mode}${summary.numbering.mode === 'missing' ? '' : summary.numbering.continuous ? ', continuous' : `, ${formatCount(summary.numbering.missingNumbers, 'number')} missing`}; entries keyed by ${summary.entryKey}`,
    );
  if (summary.dates.first !== undefined) {
    output.info(
      `  entry dates ${summary.dates.first} to ${summary.dates.last}${summary.dates.closing === undefined ? '' : `; fiscal year closing ${summary.dates.closing}`}`,
    );
  }
  for (const severity of ['error', 'alert', 'missing-data'] as const) {
    const findings = report.findings.filter((finding) => finding.severity === severity);
    if (findings.length === 0) continue;
    output.info(`  ${SEVERITY_TITLES[severity]} (${findings.length}):`);
    for (const finding of findings) {
      const file = report.files.length > 1 ? ` [${basename(finding.file)}]` : '';
      output.info(
        `    ${finding.code} ×${formatNumber(finding.count)}${file}: ${finding.message}${linesText(finding)}`,
      );
      for (const item of finding.items ?? []) {
        output.info(
          `      ${item.detail}${item.lines.length > 0 ? ` (line${item.lines.length > 1 ? 's' : ''} ${item.lines.join(', ')}${(item.count ?? 0) > item.lines.length ? ', …' : ''})` : ''}`,
        );
      }
    }
  }
  output.info(
    report.valid
      ? '  => no error: the file meets the norm and its books balance (see alerts above, if any).'
      : `  => ${formatCount(summary.findings.error, 'kind')} of error: the file does not meet the norm or its books do not hold.`,
  );
};

/**
 * One line for a portfolio checked at once: a firm's hundred FECs gave a hundred reports and no line saying how many
 * failed, nor which.
 */
const renderTally = (output: Output, reports: readonly FecValidationReport[], unreadable: number): void => {
  const failed = reports.filter((report) => !report.valid).map((report) => basename(report.files[0] ?? ''));
  const named =
    failed.length === 0 ? '' : ` (${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ', …' : ''})`;
  output.info(
    `${formatNumber(reports.length + unreadable)} FEC checked: ${formatNumber(reports.length - failed.length)} meet the norm, ${formatNumber(failed.length)} with errors${named}${unreadable > 0 ? `, ${formatNumber(unreadable)} could not be read` : ''}`,
  );
};

/**
 * `cutover fec validate FILE...`: every FEC given is read and checked (split parts `_1`, `_2`… together). Exit code
 * 0 when no finding is an error, 6 when one is, 4 when a file cannot be read (the others are still checked).
 */
export const fecValidateCommand = async (
  files: string[],
  options: FecValidateCommandOptions,
): Promise<number> => {
  const output = createOutput(options);
  const reports: FecValidationReport[] = [];
  const unreadable: { files: readonly string[]; message: string }[] = [];
  for (const group of fecGroups(files)) {
    let bytes = 0;
    try {
      const report = await validateFecGroup(group, {
        ...(options.legacyEncoding === undefined ? {} : { legacyEncoding: options.legacyEncoding }),
        onBytes: (count) => {
          bytes += count;
          output.progress(`${basename(group.files[0] ?? '')}: ${formatNumber(bytes / 2 ** 20)} MB read`);
        },
      });
      output.clearProgress();
      reports.push(report);
      renderReport(output, report);
    } catch (error) {
      output.clearProgress();
      if (!isCutoverError(error)) throw error;
      unreadable.push({ files: group.files, message: error.message });
      process.stderr.write(`cutover: ${visibleText(error.message)}\n`);
    }
  }
  const valid = unreadable.length === 0 && reports.every((report) => report.valid);
  if (reports.length + unreadable.length > 1) renderTally(output, reports, unreadable.length);
  output.result({ valid, reports, unreadable });
  if (unreadable.length > 0) return ExitCode.INFRASTRUCTURE;
  return valid ? ExitCode.OK : ExitCode.INVALID_INPUT;
};

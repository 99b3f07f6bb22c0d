import { stat } from 'node:fs/promises';
import { NumberingMode, type FecValidationReport } from '../../domains/accounting/fec/fec-validator.js';
import { fecGroups, validateFecGroup } from './validate-fec-files.js';

/**
 * A FEC file, or the parts of a split FEC together, through the validator (about 0.6M lines/s), once per version
 * of its files (path, size, modification time) for the life of the process: the migration keys entries by the
 * numbering it finds, for every entity that reads the file, and the evidence pack shows the same report.
 */
const known = new Map<string, Promise<FecValidationReport>>();

export const validatedFec = async (...files: string[]): Promise<FecValidationReport> => {
  const versions = await Promise.all(
    files.map(async (file) => {
      const stats = await stat(file);
      return `${file}\u0000${stats.size}\u0000${stats.mtimeMs}`;
    }),
  );
  const version = versions.join('\u0001');
  let report = known.get(version);
  if (report === undefined) {
    const [group] = fecGroups(files);
    report = validateFecGroup(group ?? { files, name: undefined, missingParts: [] });
    known.set(version, report);
  }
  return report;
};

/** Why a FEC's entries are keyed by EcritureNum + EcritureDate rather than by their number alone, if they are. */
export type DatedKeys = 'restarting' | 'dates-differ' | undefined;

/**
 * How a FEC (all its parts: a number used again in a later part is a restart too) keys its entries. By number and
 * date when the numbering restarts, or when the lines of one number carry different dates (a payroll journal
 * numbered per month, its months side by side): keyed by number alone, those lines became one entry dated by its
 * first line, and the others' dates and piece references were lost without a word.
 */
export const fecDatedKeys = async (files: readonly string[]): Promise<DatedKeys> => {
  const report = await validatedFec(...files);
  if (report.summary.numbering.mode === NumberingMode.RESTARTING) return 'restarting';
  if (report.summary.numbering.mode === NumberingMode.MISSING) return undefined;
  return report.findings.some((finding) => finding.code === 'ENTRY_DATES_DIFFER')
    ? 'dates-differ'
    : undefined;
};

import { stat } from 'node:fs/promises';
import type { FecValidationReport, NumberingMode } from '../../domains/accounting/fec/fec-validator.js';
import { fecGroups, validateFecGroup } from './validate-fec-files.js';

/**
 * One FEC file through the validator (about 0.6M lines/s), once per file version (path, size, modification time)
 * for the life of the process: the migration keys entries by the numbering it finds, for every entity that reads
 * the file, and the evidence pack shows the same report.
 */
const known = new Map<string, Promise<FecValidationReport>>();

export const validatedFec = async (file: string): Promise<FecValidationReport> => {
  const stats = await stat(file);
  const version = `${file}\u0000${stats.size}\u0000${stats.mtimeMs}`;
  let report = known.get(version);
  if (report === undefined) {
    const [group] = fecGroups([file]);
    report = validateFecGroup(group ?? { files: [file], name: undefined, missingParts: [] });
    known.set(version, report);
  }
  return report;
};

/** How a FEC file numbers its entries. */
export const fecNumbering = async (file: string): Promise<NumberingMode> =>
  (await validatedFec(file)).summary.numbering.mode;

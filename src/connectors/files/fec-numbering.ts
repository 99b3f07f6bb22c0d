import { stat } from 'node:fs/promises';
import type { NumberingMode } from '../../domains/accounting/fec/fec-validator.js';
import { validateFecGroup } from './validate-fec-files.js';

/**
 * How a FEC file numbers its entries, found by reading it once through the validator (about 0.6M lines/s): the
 * migration keys entries by that. Several entities read the same file, so the answer is kept per file version
 * (path, size, modification time) for the life of the process.
 */
const known = new Map<string, Promise<NumberingMode>>();

export const fecNumbering = async (file: string): Promise<NumberingMode> => {
  const stats = await stat(file);
  const version = `${file}\u0000${stats.size}\u0000${stats.mtimeMs}`;
  let mode = known.get(version);
  if (mode === undefined) {
    mode = validateFecGroup({ files: [file], name: undefined, missingParts: [] }, { maxLines: 1 }).then(
      (report) => report.summary.numbering.mode,
    );
    known.set(version, mode);
  }
  return mode;
};

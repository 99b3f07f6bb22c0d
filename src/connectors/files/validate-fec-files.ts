import { basename } from 'node:path';
import { groupFecFiles, type FecFileGroup } from '../../domains/accounting/fec/fec-file-name.js';
import {
  createFecValidator,
  type FecFileFacts,
  type FecValidationReport,
} from '../../domains/accounting/fec/fec-validator.js';
import { readFecLines, type FecReadOptions } from './fec-line-reader.js';

export interface ValidateFecOptions extends Pick<FecReadOptions, 'legacyEncoding' | 'signal' | 'onBytes'> {
  /** Lines listed per finding (counts stay exact). */
  readonly maxLines?: number;
}

/** Reads one FEC (a whole file or the parts of a split one, in part order) through the validator. */
export const validateFecGroup = async (
  group: FecFileGroup,
  options: ValidateFecOptions = {},
): Promise<FecValidationReport> => {
  const first = group.files[0] ?? '';
  const validator = createFecValidator({
    fileName: group.name,
    displayName: basename(first),
    missingParts: group.missingParts,
    ...(options.maxLines === undefined ? {} : { maxLines: options.maxLines }),
  });
  const facts = new Map<string, FecFileFacts>();
  for await (const batch of readFecLines(group.files, {
    ...options,
    onFile: (file) => facts.set(file.file, file),
  })) {
    for (const line of batch) {
      if (line.encoding !== 'utf-8') validator.encodingFallback(line.file, line.line, line.encoding);
      if (line.header) validator.header(line.fields, line.file, line.line, facts.get(line.file));
      else validator.line(line.fields, line.file, line.line);
    }
  }
  return validator.finish();
};

/** Groups the files given (split parts together, in part order) and validates each FEC. */
export const fecGroups = (files: readonly string[]): FecFileGroup[] =>
  groupFecFiles(files, (file) => basename(file));

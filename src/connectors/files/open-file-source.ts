import { failingSource } from './failing-source.js';
import { fileError } from './file-error.js';
import type { FileSourceSpec } from '../../core/plan/plan-schema.js';
import type { RecordSource } from '../../core/record-source.js';
import { csvSource } from './csv-source.js';
import { fecSource } from './fec-source.js';
import { jsonSource } from './json-source.js';
import { xlsxSource } from './xlsx-source.js';

/**
 * The record source for one file of a plan's file source. Nothing is opened until `read` is called, so listing
 * sources for thousands of dossiers costs nothing; a missing file is reported then (FILE_NOT_FOUND).
 */
export const openFileSource = (
  spec: FileSourceSpec,
  /** `fecParts`: every file of a split FEC this one belongs to, for a FEC read part by part. */
  file: { path: string; relative: string; unreadable?: unknown; fecParts?: readonly string[] },
  baseDir: string,
): RecordSource => {
  if (file.unreadable !== undefined) {
    // A source that fails when read, as its folder did when listed.
    return failingSource(file.relative, fileError(file.unreadable, file.relative, 'folder') as Error);
  }
  switch (spec.type) {
    case 'csv':
      return csvSource(spec, file);
    case 'xlsx':
      return xlsxSource(spec, file);
    case 'json':
    case 'ndjson':
      return jsonSource(spec, file);
    case 'fec':
      return fecSource(spec, file, baseDir);
  }
};

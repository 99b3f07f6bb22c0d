import type { RecordSource } from '../../core/record-source.js';

/**
 * A source whose read fails with `error`, for a file known not to be readable before any read (its folder could
 * not be listed, two FECs of one fiscal year): the run meets the failure where it reads, and stops that dossier as
 * it does for any file that cannot be read.
 */
export const failingSource = (name: string, error: Error): RecordSource => ({
  name,
  read: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) }),
});

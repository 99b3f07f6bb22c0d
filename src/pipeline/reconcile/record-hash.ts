import { createHash } from 'node:crypto';
import type { CanonicalValue } from '../../core/model/canonical-value.js';

/**
 * Content hash of a record in the canonical model, references written as the parent's source key. The same
 * record mapped from the source and read back from the target must hash the same.
 */
export const recordHash = (values: readonly CanonicalValue[]): string =>
  createHash('sha1').update(JSON.stringify(values)).digest('base64url');

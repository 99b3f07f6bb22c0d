import type { SourceRecord } from '../../core/source-record.js';

/**
 * What a batch may hold at most, besides its number of records: the raw text's characters plus 32 per value read.
 * A batch is held whole by the reader, the mapping and the commit in flight, so rows are not enough of a measure: a
 * CSV of 20,000 columns held 1.8 GB in one batch of 2,000 rows. At 16M, ordinary rows (10 columns, 130 characters:
 * about 450 units) never reach it before the batch size does, and a row of 20,000 values makes batches of about 25.
 */
export const MAX_BATCH_WEIGHT = 16 * 1024 * 1024;
const WEIGHT_PER_VALUE = 32;

/** Groups records into batches of the requested size (or weight) without copying arrays around. */
export const createBatcher = (size: number, maxWeight = MAX_BATCH_WEIGHT) => {
  let current: SourceRecord[] = [];
  let weight = 0;
  let ready: SourceRecord[][] = [];
  return {
    /** `values`: how many values the record holds (its columns or cells), which weigh beside its raw text. */
    push(record: SourceRecord, values = 1): void {
      current.push(record);
      weight += (record.raw?.length ?? 0) + values * WEIGHT_PER_VALUE;
      if (current.length >= size || weight >= maxWeight) {
        ready.push(current);
        current = [];
        weight = 0;
      }
    },
    /** The full batches gathered so far. */
    take(): SourceRecord[][] {
      const out = ready;
      ready = [];
      return out;
    },
    /** Everything left, full batches then the last partial one. */
    finish(): SourceRecord[][] {
      const out = ready;
      if (current.length > 0) out.push(current);
      ready = [];
      current = [];
      weight = 0;
      return out;
    },
  };
};

import type { SourceRecord } from '../../core/source-record.js';

/** Groups records into batches of the requested size without copying arrays around. */
export const createBatcher = (size: number) => {
  let current: SourceRecord[] = [];
  let ready: SourceRecord[][] = [];
  return {
    push(record: SourceRecord): void {
      current.push(record);
      if (current.length >= size) {
        ready.push(current);
        current = [];
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
      return out;
    },
  };
};

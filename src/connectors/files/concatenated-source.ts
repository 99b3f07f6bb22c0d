import type { ReadOptions, RecordSource, SourceNotice } from '../../core/record-source.js';

/**
 * Several sources read as one, in order, with record numbers that go on from one to the next: the parts of a split
 * FEC (`…_1.txt`, `…_2.txt`) are one export, and keys built on the record number must not repeat across parts.
 * Each record keeps the file and line it came from.
 */
export const concatenatedSource = (parts: readonly RecordSource[]): RecordSource => {
  const first = parts[0];
  if (parts.length === 1 && first !== undefined) return first;
  /** The part being read: its header names the columns (each part has its own). */
  let current: RecordSource | undefined;
  return {
    name: parts.map((part) => part.name).join(' + '),
    parts: parts.map((part) => part.name),
    async *read(options: ReadOptions = {}) {
      let offset = 0;
      for (const part of parts) {
        current = part;
        let highest = 0;
        for await (const batch of part.read(options)) {
          const last = batch.at(-1);
          if (last !== undefined) highest = last.location.record;
          yield offset === 0
            ? batch
            : batch.map((record) => ({
                ...record,
                location: { ...record.location, record: record.location.record + offset },
              }));
        }
        offset += highest;
      }
    },
    progress: () => {
      let bytesRead = 0;
      let bytesTotal: number | undefined = 0;
      for (const part of parts) {
        const progress = part.progress?.();
        bytesRead += progress?.bytesRead ?? 0;
        bytesTotal =
          progress?.bytesTotal === undefined || bytesTotal === undefined
            ? undefined
            : bytesTotal + progress.bytesTotal;
      }
      return { bytesRead, bytesTotal };
    },
    notices: (): SourceNotice[] => parts.flatMap((part) => [...(part.notices?.() ?? [])]),
    columns: () => current?.columns?.(),
  };
};

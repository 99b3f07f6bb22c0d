import type { SourceSpec } from '../../core/plan/plan-schema.js';
import type { ReadOptions, ReadProgress, RecordSource, SourceNotice } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';

/**
 * Raw text kept for one dossier, all its files together, at most: 8 MiB of FEC lines is about 55,000 lines, and their parsed records take about
 * 20 times their text on the heap (a run of 200 generated dossiers peaked at 507 MB instead of 336 MB; 2 MiB: 404 MB
 * but 10% slower). Larger sources are read again by each entity, streaming as before.
 */
export const SHARED_READ_BUDGET = 8 * 2 ** 20;

/** What a record costs the budget: its raw text, or for sources that keep none (XLSX, JSON) the text of its values. */
const recordWeight = (record: SourceRecord): number => {
  if (record.raw !== undefined) return record.raw.length;
  let weight = 16;
  for (const value of Object.values(record.fields)) weight += typeof value === 'string' ? value.length : 8;
  return weight;
};

type Kept =
  /** Being read, and kept as it goes. */
  | { readonly kind: 'reading' }
  /** Not kept (over the budget, or released after its last reader): each reader reads the file itself. */
  | { readonly kind: 'not-kept' }
  | {
      readonly kind: 'complete';
      readonly batches: readonly SourceRecord[][];
      readonly notices: readonly SourceNotice[];
      readonly progress: ReadProgress | undefined;
      /** The columns the read found, for the column check of the entities that replay it. */
      readonly columns: readonly string[] | undefined;
      readonly weight: number;
      /** Reads so far, the first included: at the last reader the records are released. */
      reads: number;
    };

/**
 * Within one dossier, the entities that read the same file (a FEC holds the journals, accounts, third parties,
 * entries and lines) read it once: the first read keeps the records it yields, while their text fits in the
 * budget, and the reads that follow replay them, same records, same order, same notices, instead of reading,
 * decoding, splitting and enriching every line again. Only file sources are shared (a database may change
 * between two queries); a read stopped before its end keeps nothing. `clear` after each dossier frees it all.
 */
export interface SharedSourceReads {
  /** The sources of one entity, each replayed from memory when this dossier already read it whole. */
  share(spec: SourceSpec, sources: readonly RecordSource[]): RecordSource[];
  clear(): void;
}

/** `sources`: the source of every entity of the plan; only one that two entities or more read is ever kept. */
export const sharedSourceReads = (
  sources: readonly SourceSpec[],
  budget = SHARED_READ_BUDGET,
): SharedSourceReads => {
  const kept = new Map<string, Kept>();
  /** Weight of what the dossier keeps now, the read in progress included. */
  let used = 0;
  const readers = new Map<string, number>();
  for (const spec of sources) {
    const text = JSON.stringify(spec);
    readers.set(text, (readers.get(text) ?? 0) + 1);
  }

  const shared = (source: RecordSource, identity: string, readerCount: number): RecordSource => {
    // What this reader replayed: its notices and progress stay its own once the last reader lets the records go.
    let replayed: Extract<Kept, { kind: 'complete' }> | undefined;
    const complete = () => {
      const state = kept.get(identity);
      return replayed ?? (state?.kind === 'complete' ? state : undefined);
    };
    return {
      name: source.name,
      ...(source.parts === undefined ? {} : { parts: source.parts }),
      async *read(options?: ReadOptions) {
        const state = kept.get(identity);
        if (state?.kind === 'complete') {
          replayed = state;
          yield* state.batches;
          state.reads += 1;
          if (state.reads >= readerCount) {
            kept.set(identity, { kind: 'not-kept' });
            used -= state.weight;
          }
          return;
        }
        if (state !== undefined) {
          // Too large, or being read by another reader right now: read the file itself.
          yield* source.read(options);
          return;
        }
        kept.set(identity, { kind: 'reading' });
        let batches: SourceRecord[][] | undefined = [];
        let weight = 0;
        let finished = false;
        try {
          for await (const batch of source.read(options)) {
            if (batches !== undefined) {
              let batchWeight = 0;
              for (const record of batch) batchWeight += recordWeight(record);
              weight += batchWeight;
              used += batchWeight;
              if (used > budget) {
                batches = undefined;
                used -= weight;
                kept.set(identity, { kind: 'not-kept' });
              } else batches.push(batch);
            }
            yield batch;
          }
          finished = true;
        } finally {
          if (batches !== undefined) {
            if (finished) {
              kept.set(identity, {
                kind: 'complete',
                batches,
                notices: [...(source.notices?.() ?? [])],
                progress: source.progress?.(),
                columns: source.columns?.(),
                weight,
                reads: 1,
              });
            } else {
              used -= weight;
              kept.delete(identity);
            }
          }
        }
      },
      ...(source.progress === undefined
        ? {}
        : { progress: () => complete()?.progress ?? source.progress!() }),
      notices: () => complete()?.notices ?? source.notices?.() ?? [],
      // A replay's source was never read itself: the columns are those of the read that kept the records.
      columns: () => complete()?.columns ?? source.columns?.(),
    };
  };

  return {
    share(spec, sources) {
      const specText = JSON.stringify(spec);
      const readerCount = readers.get(specText) ?? 0;
      if (!('path' in spec) || readerCount < 2) return [...sources];
      return sources.map((source) => shared(source, `${specText}\u0000${source.name}`, readerCount));
    },
    clear() {
      kept.clear();
      used = 0;
    },
  };
};

import type { WriteBatch } from './target-store.js';

/** What a batch's encoding depends on besides its rows. */
export type BatchHeader = Pick<WriteBatch, 'dossier' | 'entity' | 'runId' | 'mode'>;

/**
 * Encodings made by `encodeAhead`, waiting for the `writeBatch` of the same rows array. An encoding carries the
 * dossier, run and entity it was made for (in the SQLite rows, in the COPY text), so it is only used for a batch
 * with the same header: a write of those rows under another header encodes them again rather than writing them
 * where the earlier header said.
 */
export class EncodedBatches<Encoding> {
  private readonly waiting = new WeakMap<WriteBatch['rows'], { header: BatchHeader; encoding: Encoding }>();

  set(batch: BatchHeader & Pick<WriteBatch, 'rows'>, encoding: Encoding): void {
    const { dossier, entity, runId, mode } = batch;
    this.waiting.set(batch.rows, { header: { dossier, entity, runId, mode }, encoding });
  }

  /** The encoding made for this batch, if any (once: it is forgotten here). */
  take(batch: BatchHeader & Pick<WriteBatch, 'rows'>): Encoding | undefined {
    const waiting = this.waiting.get(batch.rows);
    if (waiting === undefined) return undefined;
    this.waiting.delete(batch.rows);
    const { header } = waiting;
    const same =
      header.dossier === batch.dossier &&
      header.entity === batch.entity &&
      header.runId === batch.runId &&
      header.mode === batch.mode;
    return same ? waiting.encoding : undefined;
  }
}

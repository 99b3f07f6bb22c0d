import { DefectKind } from './manifest.js';
import { itemAt, type Random } from './random.js';

/**
 * Rows of the CRM export, built in memory before they are written: the CRM has a fixed size (about 15,000
 * rows), and defects must be placed knowing which records others reference. Only the accounting side, which
 * can be large, is streamed as it is simulated.
 */
export interface CrmRow<Cell = string> {
  /** The record's source key (its id column). */
  readonly key: string;
  readonly values: Record<string, Cell>;
  defect?: { readonly kind: DefectKind; readonly duplicateOf?: string };
}

/** A record other files may point at, and whether it ends in the target (only then may they point at it). */
export interface Referencable {
  readonly id: string;
  usable: boolean;
}

/**
 * Tags `count` rows, drawn among those `eligible` accepts and not yet tagged, with a defect kind, and applies
 * the defect. At most one defect per row, so a reject always has one reason.
 */
export const injectDefects = <Cell>(
  random: Random,
  rows: readonly CrmRow<Cell>[],
  count: number,
  kind: DefectKind,
  eligible: (row: CrmRow<Cell>, index: number) => boolean,
  apply: (row: CrmRow<Cell>, index: number) => void,
): void => {
  const candidates = random.shuffle(
    rows.flatMap((row, index) => (row.defect === undefined && eligible(row, index) ? [index] : [])),
  );
  for (const index of candidates.slice(0, count)) {
    const row = rows[index];
    if (row === undefined) continue;
    row.defect = { kind };
    apply(row, index);
  }
};

/** A readable id with a prefix and a fixed width (`CT-00042`): one id is never a substring of another. */
export const idOf = (prefix: string, number: number, width: number): string =>
  `${prefix}-${String(number).padStart(width, '0')}`;

/**
 * Turns `count` rows into near duplicates of earlier rows (the same company or person again under a new id):
 * `copy` carries the original's values over, and the row is tagged with the original's key. The rows to
 * overwrite are chosen before any is overwritten, and never among the first `head` rows, so an original is
 * never overwritten in turn. Returns the indices of the originals, which must then stay free of defects.
 */
export const injectNearDuplicates = <Cell>(
  random: Random,
  rows: readonly CrmRow<Cell>[],
  count: number,
  head: number,
  suits: (original: CrmRow<Cell>) => boolean,
  copy: (row: CrmRow<Cell>, original: CrmRow<Cell>, index: number, originalIndex: number) => void,
): Set<number> => {
  const duplicates: number[] = [];
  injectDefects(
    random,
    rows,
    count,
    DefectKind.nearDuplicate,
    (_row, index) => index >= head,
    (_row, index) => duplicates.push(index),
  );
  const originals = new Set<number>();
  for (const index of duplicates) {
    const row = itemAt(rows, index);
    let originalIndex = random.int(0, index - 1);
    // When the first draw does not suit, draw among the head rows, which are never duplicates.
    while (itemAt(rows, originalIndex).defect !== undefined || !suits(itemAt(rows, originalIndex))) {
      originalIndex = random.int(0, head - 1);
    }
    originals.add(originalIndex);
    const original = itemAt(rows, originalIndex);
    copy(row, original, index, originalIndex);
    row.defect = { kind: DefectKind.nearDuplicate, duplicateOf: original.key };
  }
  return originals;
};

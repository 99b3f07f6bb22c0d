import type { RecordSource } from '../../core/record-source.js';

/** The share of the bytes read before a time left is told. */
const MIN_SHARE_FOR_ETA = 0.01;

/** Bytes a unit's sources have taken from their files so far (a replay from memory counts its whole read). */
const bytesRead = (sources: readonly RecordSource[]): number =>
  sources.reduce((sum, source) => sum + (source.progress?.().bytesRead ?? 0), 0);

/**
 * The time left in a run, from the bytes of the files its units read (a file once per entity that reads it), so
 * that a run of one large dossier (a CRM export) has an ETA from its first seconds, where the share of dossiers done
 * gives none until the end. Units that read nothing (done by an earlier run, stopped by their threshold) leave the
 * estimate, as do the rest of a dossier that stopped. Undefined when a source's size is unknown (a database).
 */
export interface RunEta {
  /** A unit begins: the bytes of its files, and the sources it reads them through. */
  startUnit(bytes: number, sources: readonly RecordSource[]): void;
  /** The unit ended: what it read is done, or, if it read nothing, it leaves the estimate. */
  endUnit(): void;
  /** The dossier ended: its units that did not end (it stopped) leave the estimate. */
  endDossier(dossier: string): void;
  etaMs(elapsedMs: number): number | undefined;
}

/** `plannedByDossier`: the bytes each selected dossier's units read; undefined when a size is unknown. */
export const createRunEta = (plannedByDossier: ReadonlyMap<string, number> | undefined): RunEta => {
  let planned = 0;
  for (const bytes of plannedByDossier?.values() ?? []) planned += bytes;
  let done = 0;
  /** The bytes of the current dossier's units that ended (done, or left the estimate). */
  let settled = 0;
  let unit: { bytes: number; sources: readonly RecordSource[] } | undefined;
  return {
    startUnit(bytes, sources) {
      unit = { bytes, sources };
    },
    endUnit() {
      if (unit === undefined) return;
      if (bytesRead(unit.sources) === 0) planned -= unit.bytes;
      else done += unit.bytes;
      settled += unit.bytes;
      unit = undefined;
    },
    endDossier(dossier) {
      // A unit that threw (an unreadable file) did not end: it and the units after it leave the estimate.
      planned -= Math.max(0, (plannedByDossier?.get(dossier) ?? 0) - settled);
      settled = 0;
      unit = undefined;
    },
    etaMs(elapsedMs) {
      if (plannedByDossier === undefined) return undefined;
      // A unit whose files are read to the end still writes its last batch: it counts a byte short until it ends,
      // so that its last progress says some time is left (it said "ETA 0s" while the run went on).
      const progress =
        done + (unit === undefined ? 0 : Math.max(0, Math.min(unit.bytes - 1, bytesRead(unit.sources))));
      // Before a hundredth of the bytes, the time elapsed is mostly the start (stores opened, modules loaded), not
      // reading: a first line said "ETA 25 min" for a run of seconds.
      if (progress <= 0 || elapsedMs <= 0 || progress < planned * MIN_SHARE_FOR_ETA) return undefined;
      return (elapsedMs * Math.max(0, planned - progress)) / progress;
    },
  };
};

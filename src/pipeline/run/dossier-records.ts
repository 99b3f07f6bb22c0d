import { RejectReason } from '../../core/reject-reasons.js';
import type { SourceRecord } from '../../core/source-record.js';
import type { MappingContext, MappingOutcome } from '../map/compile-entity-mapping.js';
import { dossierIdOf, fieldText } from './dossier-inputs.js';

/** The dossier of records whose dossier column is empty: each is rejected with NO_DOSSIER, never dropped. */
export const NO_DOSSIER = '_no_dossier';

/**
 * The fate of a record whose dossier column names no dossier: rejected NO_DOSSIER, or with its own problem when the
 * line could not be read at all (an unclosed quote leaves the dossier column empty, and that is not the cause).
 */
export const noDossier = (record: SourceRecord, field: string): MappingOutcome => {
  if (record.problem !== undefined) return { fate: 'rejected', ...record.problem, sourceKey: null };
  return {
    fate: 'rejected',
    reason: RejectReason.NO_DOSSIER,
    message:
      fieldText(record.fields[field]) === undefined
        ? `the dossier column ${field} is empty`
        : `the dossier column ${field} holds a NUL character (U+0000), which no dossier id may hold`,
    sourceKey: null,
  };
};

/** A record that is no record of its own: an empty key or a key an earlier record settled, in a `distinct` entity. */
export type DossierRecordOutcome = MappingOutcome | { readonly fate: 'repeat' };

export interface DossierRecordsOptions {
  readonly dossier: string;
  /** The source column naming each record's dossier, when the source holds several dossiers. */
  readonly filterField: string | undefined;
  /** A `distinct` entity: one record per source key, the first that is not rejected. */
  readonly distinct: boolean;
  readonly map: (record: SourceRecord, context: MappingContext) => MappingOutcome;
}

/**
 * What one dossier's entity makes of the records of its source, as the run and reconcile must both see them (the
 * reconcile's source count is the run's ledger). `belongs`: records of other dossiers are passed over (a record of
 * no dossier belongs to NO_DOSSIER). `outcome`: a record of NO_DOSSIER is rejected, the others are mapped; in a
 * `distinct` entity, a record with an empty key is not a record and one whose key an earlier record settled is a
 * repeat. A rejected record settles nothing: the next record with its key is read for it (one bad FEC line would
 * otherwise reject its journal, and with it every line of the journal as UNKNOWN_PARENT).
 */
export const createDossierRecords = (options: DossierRecordsOptions) => {
  const { dossier, filterField, map } = options;
  const seen = options.distinct ? new Set<string>() : undefined;
  return {
    belongs: (record: SourceRecord): boolean =>
      filterField === undefined || (dossierIdOf(record.fields[filterField]) ?? NO_DOSSIER) === dossier,
    outcome: (record: SourceRecord, context: MappingContext): DossierRecordOutcome => {
      const outcome =
        dossier === NO_DOSSIER && filterField !== undefined
          ? noDossier(record, filterField)
          : map(record, context);
      if (outcome.fate === 'not-a-record' || seen === undefined) return outcome;
      const key = outcome.fate === 'mapped' ? outcome.record.sourceKey : outcome.sourceKey;
      if (key === null) return outcome;
      if (seen.has(key)) return { fate: 'repeat' };
      if (outcome.fate !== 'rejected') seen.add(key);
      return outcome;
    },
  };
};

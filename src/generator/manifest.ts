import type { EntityName } from '../core/model/canonical-model.js';
import { RejectReason } from '../core/reject-reasons.js';

/**
 * `manifest.json`: the ground truth of a generated portfolio. Every defect injected on purpose is listed with
 * where it is and the fate the generated plan must give it, so that audit, cleaning, deduplication and the
 * ledger can be measured against it.
 */

/** The plan rule that skips test records; the plan and the manifest name it the same way. */
export const TEST_RECORDS_RULE = 'test-records';

export const DefectKind = {
  /** A field the plan requires is empty (contact last name, company name, deal title). */
  missingRequired: 'missing_required',
  /** A date that does not exist (31/02/1980, 1985-13-01, 2023-02-30). */
  invalidDate: 'invalid_date',
  /** An amount that is not a number (`N/A`, `12,34,56`). */
  invalidAmount: 'invalid_amount',
  /** A reference to a parent record that does not exist. */
  unknownParent: 'unknown_parent',
  /** A second row reusing an earlier row's identifier. */
  duplicateKey: 'duplicate_key',
  /** A test record left in production (e-mail at example.test), skipped by a plan rule. */
  testRecord: 'test_record',
  /** A malformed e-mail address; loaded, for cleaning to find. */
  invalidEmail: 'invalid_email',
  /** A phone number too short or too long; loaded, for cleaning to find. */
  invalidPhone: 'invalid_phone',
  /** The same person or company again under another identifier; loaded, for deduplication to find. */
  nearDuplicate: 'near_duplicate',
} as const;
export type DefectKind = (typeof DefectKind)[keyof typeof DefectKind];

export interface ExpectedFate {
  readonly fate: 'loaded' | 'skipped' | 'rejected';
  readonly reason?: RejectReason;
  readonly rule?: string;
}

const expectedFates: Readonly<Record<DefectKind, ExpectedFate>> = {
  missing_required: { fate: 'rejected', reason: RejectReason.REQUIRED_MISSING },
  invalid_date: { fate: 'rejected', reason: RejectReason.INVALID_DATE },
  invalid_amount: { fate: 'rejected', reason: RejectReason.INVALID_AMOUNT },
  unknown_parent: { fate: 'rejected', reason: RejectReason.UNKNOWN_PARENT },
  duplicate_key: { fate: 'rejected', reason: RejectReason.DUPLICATE_SOURCE_KEY },
  test_record: { fate: 'skipped', rule: TEST_RECORDS_RULE },
  invalid_email: { fate: 'loaded' },
  invalid_phone: { fate: 'loaded' },
  near_duplicate: { fate: 'loaded' },
};

/** Whether a defect keeps its record out of the target (so nothing may reference that record). */
export const removesRecord = (kind: DefectKind): boolean => expectedFates[kind].fate !== 'loaded';

export interface Defect {
  readonly entity: EntityName;
  /** Path relative to the portfolio folder, with `/` separators. */
  readonly file: string;
  /** Physical 1-based line where the record starts (CSV, FEC); sheet row number, header being row 1 (XLSX). */
  readonly line: number;
  /** The record's source key as the plan builds it (several columns joined with `|`). */
  readonly sourceKey: string;
  readonly kind: DefectKind;
  readonly expected: ExpectedFate;
  /** For a near duplicate: the source key of the record it duplicates. */
  readonly duplicateOf?: string;
}

export const defectOf = (
  entity: EntityName,
  file: string,
  line: number,
  sourceKey: string,
  kind: DefectKind,
  duplicateOf?: string,
): Defect => ({
  entity,
  file,
  line,
  sourceKey,
  kind,
  expected: expectedFates[kind],
  ...(duplicateOf === undefined ? {} : { duplicateOf }),
});

/** A record that stands for a company in one system: the registry (entity `dossier`), the CRM or a FEC. */
export interface LinkMember {
  readonly entity: 'dossier' | 'company' | 'third_party';
  readonly dossier: string;
  readonly key: string;
}

/**
 * One client of the firm and every record that is this legal entity: its registry entry, its CRM company
 * (written as CRM users write), and the third parties that name it in other clients' books. `cutover link eval`
 * measures against these; a record listed nowhere is a company of its own.
 */
export interface ClientLink {
  /** The client's dossier id. */
  readonly client: string;
  readonly siren: string;
  readonly members: readonly LinkMember[];
}

export type EntityCounts = Partial<Record<EntityName, number>>;

export interface Manifest {
  readonly seed: number;
  readonly dossiers: number;
  /** Source records per entity, all dossiers together (every one must end in exactly one fate). */
  readonly counts: EntityCounts;
  /** The same per dossier, for the per-dossier identity `source = loaded + merged + purged + skipped + rejected`. */
  readonly countsByDossier: Readonly<Record<string, EntityCounts>>;
  readonly defects: readonly Defect[];
  /** The link truth: which registry dossier, CRM company and third parties are one company. */
  readonly links: readonly ClientLink[];
}

/** Adds `more` into `total`, entity by entity. */
export const addCounts = (total: EntityCounts, more: EntityCounts): void => {
  for (const [entity, count] of Object.entries(more) as [EntityName, number][]) {
    total[entity] = (total[entity] ?? 0) + count;
  }
};

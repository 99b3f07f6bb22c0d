import { z } from 'zod';

/**
 * The matching vocabulary shared by the plan's `dedupe:` section and the CSV config of `cutover dedupe eval|run`.
 * It lives in core so that the plan schema can use it without importing the matching layer (layers point inwards).
 */
export const FieldKind = {
  firstName: 'first_name',
  lastName: 'last_name',
  /** A person's or an organisation's whole name in one column. */
  name: 'name',
  city: 'city',
  address: 'address',
  postcode: 'postcode',
  date: 'date',
  email: 'email',
  phone: 'phone',
  /** The 9-digit French company number: a strong identifier (equal links, different never merges). */
  siren: 'siren',
  website: 'website',
  /** An identifier typed by people (social security number, customer code): typos happen. */
  code: 'code',
  /** Short values compared only for equality (street number, state). */
  exact: 'exact',
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

export const matchFieldSchema = z.strictObject({
  column: z.string().min(1),
  kind: z.enum(Object.values(FieldKind) as [FieldKind, ...FieldKind[]]),
  /** Term-frequency adjustment on exact agreement: sharing "Martin" is weaker evidence than sharing "Vercingétorix". */
  tf: z.boolean().optional(),
  /** Any other kind can be declared strong too: equal values link, different values never merge. */
  strong: z.boolean().optional(),
});

/**
 * Blocking rules, united: a pair is compared when all keys of one rule are equal and not empty. A key is a
 * column name, or `column.suffix` with suffix phonetic, initial, prefixN (first N characters), domain (email or
 * website), local (mailbox name of an email), year (date), digits (digits only).
 */
export const blockingSchema = z.array(z.array(z.string().min(1)).min(1)).min(1);

/**
 * A blocking key split into the field column it reads and its suffix ('' for none): `last_name.phonetic` is
 * column `last_name`, suffix `phonetic`, unless a field's column is itself named `last_name.phonetic`.
 */
export const splitBlockingKey = (
  columns: readonly string[],
  key: string,
): { column: string; suffix: string } => {
  const dot = key.lastIndexOf('.');
  return columns.includes(key) || dot < 0
    ? { column: key, suffix: '' }
    : { column: key.slice(0, dot), suffix: key.slice(dot + 1) };
};

/** Match probabilities; fixed per data set before looking at any label. */
export const matchThresholdsSchema = z
  .strictObject({ auto: z.number().gt(0).lt(1), review: z.number().gt(0).lt(1) })
  .refine((thresholds) => thresholds.review <= thresholds.auto, {
    message: 'review must not be above auto',
    path: ['review'],
  })
  .default({ auto: 0.95, review: 0.5 });

/** How a cluster's golden record chooses a value: the first member in this order that has one wins. */
export const SurvivorshipRule = {
  /** The record that fills the most columns first (the default). */
  mostComplete: 'most_complete',
  /** The record with the latest `date` column first. */
  mostRecent: 'most_recent',
  /** Records of the sources listed first in `priority` first. */
  sourcePriority: 'source_priority',
} as const;
export type SurvivorshipRule = (typeof SurvivorshipRule)[keyof typeof SurvivorshipRule];

const ruleSchema = z.enum(Object.values(SurvivorshipRule) as [SurvivorshipRule, ...SurvivorshipRule[]]);

export const survivorshipSchema = z
  .strictObject({
    /** Picks the survivor (whose source key the target row keeps) and, unless overridden, every column's value. */
    rule: ruleSchema.default('most_complete'),
    /** For `most_recent`: the mapped date or date-time column that says how recent a record is. */
    date: z.string().min(1).optional(),
    /** For `source_priority`: source file names (as the ledger names them), most trusted first. */
    priority: z.array(z.string().min(1)).optional(),
    /** Per-column rules that differ from `rule` (e.g. `email: most_recent`). */
    fields: z.record(z.string(), ruleSchema).default({}),
  })
  .default({ rule: 'most_complete', fields: {} });

/**
 * An entity's `dedupe:` section: which mapped columns are which kind, how to block, the thresholds, and how a
 * cluster becomes one golden record. Records of different dossiers are never compared unless `acrossDossiers`.
 */
export const entityDedupeSchema = z
  .strictObject({
    fields: z.array(matchFieldSchema).min(1),
    blocking: blockingSchema,
    thresholds: matchThresholdsSchema,
    /** Blocks larger than this are not expanded into pairs; they are reported. */
    blockCap: z.number().int().positive().default(1000),
    /** Country assumed for phone numbers written without their international prefix. */
    phoneRegion: z.string().length(2).default('FR'),
    survivorship: survivorshipSchema,
    /**
     * Compare records of different dossiers too (one customer filed under two business units): a cluster that
     * spans dossiers keeps its survivor in its first dossier (in id order, the order runs load them) and absorbs
     * the others into it. Off by default: a dossier is a client's, and two clients' data must not become one.
     */
    acrossDossiers: z.boolean().default(false),
  })
  .superRefine((section, context) => {
    // Caught with the plan's line here, rather than by `cutover dedupe` after a whole run.
    const columns = section.fields.map((field) => field.column);
    section.blocking.forEach((rule, ruleIndex) =>
      rule.forEach((key, keyIndex) => {
        const { column } = splitBlockingKey(columns, key);
        if (!columns.includes(column))
          context.addIssue({
            code: 'custom',
            path: ['blocking', ruleIndex, keyIndex],
            message: `blocking key "${key}" reads "${column}", which is not among the dedupe fields (${columns.join(', ')}): add { column: ${column}, kind: ... } to fields`,
          });
      }),
    );
    const { survivorship } = section;
    const needs = (rule: SurvivorshipRule) =>
      survivorship.rule === rule || Object.values(survivorship.fields).includes(rule);
    if (needs('most_recent') && survivorship.date === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['survivorship', 'date'],
        message: 'most_recent needs `date`: the column that says how recent a record is',
      });
    }
    if (needs('source_priority') && (survivorship.priority ?? []).length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['survivorship', 'priority'],
        message: 'source_priority needs `priority`: the source files, most trusted first',
      });
    }
  });
export type EntityDedupe = z.output<typeof entityDedupeSchema>;
export type Survivorship = EntityDedupe['survivorship'];

import { z } from 'zod';

/**
 * What the engine needs to know about a data set: which column holds which kind of value, how to block, and the
 * two thresholds. Kinds decide normalisation, derived keys and comparison levels (see `comparisons.ts`).
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

const fieldSchema = z.object({
  column: z.string().min(1),
  kind: z.enum(Object.values(FieldKind) as [FieldKind, ...FieldKind[]]),
  /** Term-frequency adjustment on exact agreement: sharing "Martin" is weaker evidence than sharing "Vercingétorix". */
  tf: z.boolean().optional(),
  /** Any other kind can be declared strong too: equal values link, different values never merge. */
  strong: z.boolean().optional(),
});

export const dedupeConfigSchema = z.object({
  /** Column identifying a record; the row number when absent. */
  id: z.string().optional(),
  /** Records of different dossiers are never compared (dossier boundaries hold unless cross-dossier is asked). */
  dossier: z.string().optional(),
  fields: z.array(fieldSchema).min(1),
  /**
   * Blocking rules, united: a pair is compared when all keys of one rule are equal and not empty. A key is a
   * column name, or `column.suffix` with suffix phonetic, initial, prefixN (first N characters), domain (email or
   * website), local (mailbox name of an email), year (date), digits (digits only).
   */
  blocking: z.array(z.array(z.string().min(1)).min(1)).min(1),
  /** Match probabilities; fixed per data set before looking at any label. */
  thresholds: z
    .object({ auto: z.number().gt(0).lt(1), review: z.number().gt(0).lt(1) })
    .refine((thresholds) => thresholds.review <= thresholds.auto, {
      message: 'review must not be above auto',
      path: ['review'],
    })
    .default({ auto: 0.95, review: 0.5 }),
  /** Blocks larger than this are not expanded into pairs (a name shared by 100,000 records); they are reported. */
  blockCap: z.number().int().positive().default(1000),
  /** Country assumed for phone numbers written without their international prefix. */
  phoneRegion: z.string().length(2).default('FR'),
  /** Ground truth, for `dedupe eval`: a column holding the entity id, optionally a regex whose group 1 is it. */
  truth: z.object({ column: z.string(), pattern: z.string().optional() }).optional(),
});

export type DedupeConfig = z.output<typeof dedupeConfigSchema>;
export type DedupeConfigInput = z.input<typeof dedupeConfigSchema>;
export type FieldConfig = DedupeConfig['fields'][number];

export const parseDedupeConfig = (input: unknown): DedupeConfig => dedupeConfigSchema.parse(input);

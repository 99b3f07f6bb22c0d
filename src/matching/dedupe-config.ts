import { z } from 'zod';
import {
  blockingSchema,
  FieldKind,
  matchFieldSchema,
  matchThresholdsSchema,
} from '../core/plan/dedupe-plan-schema.js';

export { FieldKind };

/**
 * What the engine needs to know about a data set: which column holds which kind of value, how to block, and the
 * two thresholds. Kinds decide normalisation, derived keys and comparison levels (see `comparisons.ts`).
 */
export const dedupeConfigSchema = z.object({
  /** Column identifying a record; the row number when absent. */
  id: z.string().optional(),
  /** Records of different dossiers are never compared (dossier boundaries hold unless cross-dossier is asked). */
  dossier: z.string().optional(),
  /**
   * Records of the same side are never compared: linking across systems (`cutover link`) pairs a CRM company
   * with a registry dossier or a FEC third party, never two CRM companies (finding those is dedupe's work).
   */
  side: z.string().optional(),
  fields: z.array(matchFieldSchema).min(1),
  blocking: blockingSchema,
  thresholds: matchThresholdsSchema,
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

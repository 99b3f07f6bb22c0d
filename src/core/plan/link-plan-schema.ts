import { z } from 'zod';
import { matchThresholdsSchema } from './dedupe-plan-schema.js';

/** The entities `cutover link` can read from the target: a CRM's companies and a FEC's third parties. */
export const LinkEntity = { company: 'company', thirdParty: 'third_party' } as const;
export type LinkEntity = (typeof LinkEntity)[keyof typeof LinkEntity];

/** Registry attributes that say where a client is and who it is; the registry's `name` gives its name. */
const registrySideSchema = z.strictObject({
  siren: z.string().min(1).default('siren'),
  postcode: z.string().min(1).default('postcode'),
});

/**
 * The plan's `link:` section: which systems hold companies, and how sure a link must be. Every side is read as
 * migrated (the target's canonical columns name, siren, vat_number, postcode), the registry as the plan names
 * it. Records of one side are never compared with each other: that is `cutover dedupe`.
 */
export const linkPlanSchema = z.strictObject({
  /** The dossier registry as a side (its attributes holding SIREN and postcode), or false to leave it out. */
  registry: z.union([z.literal(false), registrySideSchema]).default({ siren: 'siren', postcode: 'postcode' }),
  /** Migrated entities to link, each a side. */
  entities: z
    .array(z.enum([LinkEntity.company, LinkEntity.thirdParty]))
    .min(1)
    .default([LinkEntity.company, LinkEntity.thirdParty]),
  /** Third parties of these kinds only (staff, the State and partners are not client companies). */
  thirdPartyKinds: z.array(z.string().min(1)).min(1).default(['customer', 'supplier']),
  /**
   * Dossier boundaries: by default a third party of one dossier is never compared with one of another (two
   * clients' bookkeepers naming a customer alike says nothing); true compares them too.
   */
  acrossDossiers: z.boolean().default(false),
  thresholds: matchThresholdsSchema,
  /** Blocks larger than this are not expanded into pairs (a name shared by thousands); they are reported. */
  blockCap: z.number().int().positive().default(1000),
});
export type LinkPlan = z.output<typeof linkPlanSchema>;

/** What `cutover link` does when the plan has no `link:` section. */
export const defaultLinkPlan = (): LinkPlan => linkPlanSchema.parse({});

import { z } from 'zod';
import { format as formatDate } from 'date-fns/format';
import { isValid } from 'date-fns/isValid';
import { parse as parseDate } from 'date-fns/parse';
import { entityDedupeSchema } from './dedupe-plan-schema.js';
import { linkPlanSchema } from './link-plan-schema.js';
import { canonicalModel, isEntityName, referencesOf, type EntityName } from '../model/canonical-model.js';
import { fieldColumnsOf, keyColumnsOf } from './plan-columns.js';
import { OCCURRENCE } from './pseudo-columns.js';

/**
 * The plan (`cutover.yaml`): the declarative migration. Objects are strict so that a typo in a field name is
 * refused with its YAML line instead of being silently ignored.
 */

const encoding = z
  .enum(['auto', 'utf-8', 'windows-1252', 'iso-8859-15', 'iso-8859-1', 'ibm850'])
  .default('auto');

const fileSource = {
  /** File path relative to the plan. May contain `*` and one `{dossier}` placeholder per segment. */
  path: z.string().min(1),
};

export const csvSourceSchema = z.strictObject({
  type: z.literal('csv'),
  ...fileSource,
  encoding,
  delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto'),
  quote: z.string().length(1).default('"'),
});

export const xlsxSourceSchema = z.strictObject({
  type: z.literal('xlsx'),
  ...fileSource,
  /** Sheet name; default the first sheet. */
  sheet: z.string().optional(),
});

export const jsonSourceSchema = z.strictObject({
  type: z.enum(['json', 'ndjson']),
  ...fileSource,
  /** For `json`: dotted path to the array of records inside the document (default: the document is the array). */
  records: z.string().optional(),
});

export const fecSourceSchema = z.strictObject({
  type: z.literal('fec'),
  ...fileSource,
  encoding,
  /** The firm's chart of accounts: every CompteNum read is brought to it (field `account_number` of each line). */
  accounts: z
    .strictObject({
      /** Account numbers at this length: shorter ones padded with zeros, longer ones lose trailing zeros. */
      length: z.number().int().min(3).max(20).optional(),
      /**
       * A CSV file (relative to the plan) with columns `from` and `to`: a legacy account number (after the length
       * rule) and the firm's account it becomes. An account the table does not name keeps its number and is
       * reported as unmapped; a `from` listed twice with different `to` is ambiguous and its lines are rejected.
       */
      mapping: z.string().min(1).optional(),
    })
    .optional(),
});

const sqlSource = {
  /**
   * Connection: a SQLite file path, or a URL such as `postgres://user@host:5432/db`. A password never appears
   * here: name an environment variable with `${VAR}` (e.g. `postgres://app:${LEGACY_PG_PASSWORD}@db/crm`).
   */
  url: z.string().min(1),
  table: z.string().optional(),
  query: z.string().optional(),
  /** Columns giving a stable order (resume depends on it). Default: the entity's key. */
  orderBy: z.array(z.string()).optional(),
};

export const sqliteSourceSchema = z.strictObject({
  type: z.literal('sqlite'),
  ...sqlSource,
  /**
   * How text that is not valid UTF-8 is read: SQLite stores TEXT as written, without checking it. Only SQLite
   * takes it: PostgreSQL and MariaDB convert text to UTF-8 on the server.
   */
  encoding,
});

export const serverSqlSourceSchema = z.strictObject({
  type: z.enum(['postgres', 'mysql']),
  ...sqlSource,
});

export const sourceSchema = z.discriminatedUnion('type', [
  csvSourceSchema,
  xlsxSourceSchema,
  jsonSourceSchema,
  fecSourceSchema,
  sqliteSourceSchema,
  serverSqlSourceSchema,
]);
export type SourceSpec = z.infer<typeof sourceSchema>;
export type FileSourceSpec = Extract<SourceSpec, { path: string }>;
/** As a connector takes it: `encoding` may be left out (`auto`), as in the plan. */
export type SqliteSourceSpec = z.input<typeof sqliteSourceSchema>;
export type SqlSourceSpec = SqliteSourceSpec | z.infer<typeof serverSqlSourceSchema>;

export const transformNames = [
  'trim',
  'upper',
  'lower',
  'digits',
  'collapse_spaces',
  'strip_accents',
  'strip_control',
] as const;
export type TransformName = (typeof transformNames)[number];

const columnList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A moment, written by each date format and read back, to try a plan's formats before any record is read. */
const PROBE = new Date(Date.UTC(2024, 0, 31, 13, 45, 30, 250));

/**
 * A date format must be one date-fns can read, proved by writing a moment with it and reading that text back:
 * `YYYY-MM-DD` (Moment's tokens) threw at the first value read and ended the run (exit 1), a format of letters that
 * read nothing rejected every record.
 */
const checkDateFormat = (format: string, context: z.RefinementCtx): void => {
  let problem: string | undefined;
  // Outside quoted text, Y and D are Moment's year and day: in date-fns the week-numbering year and the day of the
  // year, which date-fns refuses without an option (it also prints a warning of its own).
  const tokens = format.replace(/'[^']*'/g, '');
  if (/[YD]/.test(tokens)) {
    context.addIssue({
      code: 'custom',
      message: `"${format}" uses Moment's tokens: in date-fns the year is yyyy and the day of the month dd (as in yyyy-MM-dd)`,
    });
    return;
  }
  try {
    if (!isValid(parseDate(formatDate(PROBE, format), format, new Date(0))))
      problem = 'date-fns cannot read back what it writes with it';
  } catch (error) {
    problem = (error as Error).message;
  }
  if (problem !== undefined)
    context.addIssue({
      code: 'custom',
      message: `"${format}" is not a date format date-fns can read (${problem}); tokens are date-fns ones: yyyy-MM-dd, dd/MM/yyyy HH:mm`,
    });
};

export const fieldMappingSchema = z.union([
  z.string().min(1),
  z.strictObject({
    /** Source column(s); several columns are joined with a space (or with `|` for reference keys). */
    from: columnList.optional(),
    /** A constant value instead of a source column. */
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    transform: z.union([z.enum(transformNames), z.array(z.enum(transformNames))]).optional(),
    /** Value map: source value -> target value. A value not in the map is rejected unless `default` is set. */
    map: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    required: z.boolean().optional(),
    /** Date formats tried in order (date-fns tokens: `dd/MM/yyyy`, `yyyyMMdd`, `yyyy-MM-dd'T'HH:mm:ssX`). */
    formats: z.array(z.string().min(1).superRefine(checkDateFormat)).optional(),
    /** Decimal separator of amounts; `auto` accepts both and reads the last one as the decimal mark. */
    decimal: z.enum(['auto', ',', '.']).optional(),
    /**
     * How negative amounts are written: `sign` (default) ahead of the number (`-12.00`); `accounting` also reads
     * `(12.00)` and a trailing minus (`12-`) as -12.00, as legacy exports and SAP write them.
     */
    negatives: z.enum(['sign', 'accounting']).optional(),
  }),
]);
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

const conditionSchema = z.strictObject({
  field: z.string().min(1),
  equals: z.string().optional(),
  in: z.array(z.string()).optional(),
  matches: z
    .string()
    .superRefine((pattern, context) => {
      // Compiled here as the run compiles it: a pattern that is no regular expression failed the run (exit 1).
      try {
        new RegExp(pattern);
      } catch (error) {
        context.addIssue({
          code: 'custom',
          message: `not a regular expression: ${(error as Error).message}`,
        });
      }
    })
    .optional(),
  empty: z.boolean().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

const thresholdsSchema = z.strictObject({
  /** Stop the dossier (and fail the run with exit code 3) when rejected / read exceeds this ratio. */
  maxRejectedRatio: z.number().min(0).max(1).optional(),
});

export const dossierRuleSchema = z.union([
  z.strictObject({ value: z.string().min(1) }),
  z.strictObject({ field: z.string().min(1) }),
  z.strictObject({ fromPath: z.literal(true) }),
]);
export type DossierRule = z.infer<typeof dossierRuleSchema>;

export const entityPlanSchema = z.strictObject({
  source: sourceSchema,
  /** How records group into dossiers. Default: `{fromPath: true}` when the path has `{dossier}`, else one dossier. */
  dossier: dossierRuleSchema.optional(),
  /** Source column(s) whose values identify a record within its dossier. */
  key: columnList,
  /**
   * Records sharing a key are one record seen several times (an entity derived from lines, such as accounts from
   * FEC lines): the first is loaded, the repeats are not source records of this entity. Default false: a repeated
   * key is rejected as DUPLICATE_SOURCE_KEY.
   */
  distinct: z.boolean().default(false),
  fields: z.record(z.string(), fieldMappingSchema).default({}),
  skip: z.array(z.strictObject({ rule: z.string().min(1), when: conditionSchema })).default([]),
  thresholds: thresholdsSchema.optional(),
  /** Deduplication of this entity's mapped records (`cutover dedupe --entity`): see the README, "Deduplication". */
  dedupe: entityDedupeSchema.optional(),
});
export type EntityPlan = z.infer<typeof entityPlanSchema>;

const registrySchema = z.strictObject({
  source: sourceSchema,
  id: z.string().min(1),
  name: z.string().optional(),
  /** Other columns kept as dossier attributes (SIREN, sector, size, fiscal year end...). */
  attributes: z.array(z.string()).default([]),
});

export const targetSchema = z.strictObject({
  type: z.enum(['sqlite', 'postgres']),
  /** SQLite file path, or PostgreSQL URL (password through `${VAR}`). */
  url: z.string().min(1),
  /** PostgreSQL schema that holds the canonical tables. */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('cutover'),
});
export type TargetSpec = z.infer<typeof targetSchema>;

/**
 * `$occurrence` numbers records by the rest of their key: it ends a key of other columns, and a field may map it
 * only then (elsewhere it would have nothing to number by).
 */
const occurrenceIssues = (entity: EntityPlan): { path: (string | number)[]; message: string }[] => {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const key = keyColumnsOf(entity);
  const numbered = key.length > 1 && key.at(-1) === OCCURRENCE;
  key.forEach((column, index) => {
    if (column === OCCURRENCE && !(numbered && index === key.length - 1))
      issues.push({
        path: ['key', ...(typeof entity.key === 'string' ? [] : [index])],
        message: `${OCCURRENCE} numbers the records that share the rest of the key: it ends a key of other columns, e.g. [JournalCode, EcritureNum, ${OCCURRENCE}]`,
      });
  });
  for (const [field, mapping] of Object.entries(entity.fields)) {
    if (!numbered && fieldColumnsOf(mapping).includes(OCCURRENCE))
      issues.push({
        path: typeof mapping === 'string' ? ['fields', field] : ['fields', field, 'from'],
        message: `${OCCURRENCE} is the number the key gives a record: map it when the key ends with ${OCCURRENCE}`,
      });
  }
  entity.skip.forEach((rule, index) => {
    if (rule.when.field === OCCURRENCE)
      issues.push({
        path: ['skip', index, 'when', 'field'],
        message: `${OCCURRENCE} cannot decide a skip: a skipped record is still numbered`,
      });
  });
  return issues;
};

/** Entity names must be canonical, and mapped fields must be columns of the canonical entity. */
const entitiesSchema = z.record(z.string(), entityPlanSchema).superRefine((entities, context) => {
  for (const [name, entity] of Object.entries(entities)) {
    if (!isEntityName(name)) {
      context.addIssue({
        code: 'custom',
        path: [name],
        message: `unknown entity "${name}"; the canonical entities are ${Object.keys(canonicalModel).join(', ')}`,
      });
      continue;
    }
    const columns: Readonly<Record<string, unknown>> = canonicalModel[name].columns;
    for (const column of Object.keys(entity.fields)) {
      if (!Object.hasOwn(columns, column)) {
        context.addIssue({
          code: 'custom',
          path: [name, 'fields', column],
          message: `"${column}" is not a column of ${name}; its columns are ${Object.keys(columns).join(', ')}`,
        });
      }
    }
    // A reference holds the parent's source key, resolved against what the run loaded of the parent.
    for (const reference of referencesOf(name)) {
      if (Object.hasOwn(entity.fields, reference.column) && !Object.hasOwn(entities, reference.parent)) {
        context.addIssue({
          code: 'custom',
          path: [name, 'fields', reference.column],
          message: `refers to ${reference.parent}, which the plan does not load: add entities.${reference.parent}, or leave ${reference.column} unmapped`,
        });
      }
    }
    if (entity.dedupe !== undefined) {
      // The engine reads mapped values: every column it names must be mapped by this entity.
      const { fields, survivorship } = entity.dedupe;
      const named: [string, (string | number)[]][] = [
        ...fields.map((field, index): [string, (string | number)[]] => [
          field.column,
          ['fields', index, 'column'],
        ]),
        ...(survivorship.date === undefined
          ? []
          : [[survivorship.date, ['survivorship', 'date']] as [string, (string | number)[]]]),
        ...Object.keys(survivorship.fields).map((column): [string, (string | number)[]] => [
          column,
          ['survivorship', 'fields', column],
        ]),
      ];
      for (const [column, path] of named) {
        if (!Object.hasOwn(entity.fields, column)) {
          context.addIssue({
            code: 'custom',
            path: [name, 'dedupe', ...path],
            message: `"${column}" is not a mapped field of ${name}; dedupe works on mapped fields (${Object.keys(entity.fields).join(', ') || 'none is mapped'})`,
          });
        }
      }
    }
    for (const issue of occurrenceIssues(entity))
      context.addIssue({ code: 'custom', ...issue, path: [name, ...issue.path] });
    const source = entity.source;
    if ('url' in source && source.table === undefined && source.query === undefined) {
      context.addIssue({
        code: 'custom',
        path: [name, 'source'],
        message: 'a SQL source needs `table` or `query`',
      });
    }
  }
});

export const planSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  /** State store: SQLite file (default `.cutover/state.db` next to the plan) or PostgreSQL URL. */
  state: z.string().optional(),
  target: targetSchema,
  batchSize: z.number().int().min(1).max(1_000_000).default(5000),
  thresholds: thresholdsSchema.default({}),
  dossiers: z.strictObject({ registry: registrySchema.optional() }).optional(),
  entities: entitiesSchema,
  /** `cutover link`: one client is one company in the registry, the CRM and the books (README, "Linking"). */
  link: linkPlanSchema.optional(),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type { EntityName };

import type { CountryCode } from 'libphonenumber-js';
import { FieldKind, type DedupeConfig, type FieldConfig } from './dedupe-config.js';
import { frenchPhonetic } from './french-phonetic.js';
import { phoneKey } from './phone-key.js';
import { sqlIdentifier, sqlString, type Workbench } from './workbench.js';

/** Kinds whose values are words: normalised the same way, given a phonetic key. */
const wordKinds: readonly FieldKind[] = [
  FieldKind.firstName,
  FieldKind.lastName,
  FieldKind.name,
  FieldKind.city,
  FieldKind.address,
];
const phoneticKinds: readonly FieldKind[] = [
  FieldKind.firstName,
  FieldKind.lastName,
  FieldKind.name,
  FieldKind.city,
];
/** Term-frequency adjustment by default where common values are common (Martin, Paris), not on identifiers. */
const tfKinds: readonly FieldKind[] = [
  FieldKind.firstName,
  FieldKind.lastName,
  FieldKind.name,
  FieldKind.city,
];

export const hasPhonetic = (field: FieldConfig): boolean => phoneticKinds.includes(field.kind);
export const usesTermFrequency = (field: FieldConfig): boolean => field.tf ?? tfKinds.includes(field.kind);
export const isStrong = (field: FieldConfig): boolean => field.strong ?? field.kind === FieldKind.siren;

// Letters of every script are kept: with [^a-z0-9], a Cyrillic, Greek or Chinese name became empty, so missing (no
// evidence either way: Иван and Ольга were as good as the same), and Ł, ß, Œ split or shortened Latin names.
const words = (column: string) =>
  `nullif(trim(regexp_replace(lower(strip_accents(${column})), '[^\\p{L}\\p{M}\\p{N}]+', ' ', 'g')), '')`;

const normalised = (field: FieldConfig, column: string): string => {
  if (wordKinds.includes(field.kind)) return words(column);
  switch (field.kind) {
    case FieldKind.postcode:
    case FieldKind.code:
      return `nullif(regexp_replace(upper(${column}), '[^A-Z0-9]', '', 'g'), '')`;
    case FieldKind.email:
      return `nullif(lower(trim(${column})), '')`;
    case FieldKind.siren: {
      // A SIRET (14 digits) starts with its SIREN; anything else is not a SIREN and compares as missing.
      const digits = `regexp_replace(${column}, '[^0-9]', '', 'g')`;
      return `CASE WHEN length(${digits}) IN (9, 14) THEN left(${digits}, 9) END`;
    }
    case FieldKind.website:
      return `nullif(regexp_replace(regexp_replace(lower(trim(${column})), '^[a-z]+://', ''), '^www\\.|[/?#].*$', '', 'g'), '')`;
    default:
      return `nullif(lower(trim(${column})), '')`;
  }
};

const dateOf = (column: string) =>
  `coalesce(try_strptime(trim(${column}), '%Y-%m-%d'), try_strptime(trim(${column}), '%Y%m%d'),
            try_strptime(trim(${column}), '%d/%m/%Y'), try_strptime(trim(${column}), '%d-%m-%Y'))::DATE`;

/**
 * Builds table `rec` from table `src` (every column VARCHAR): one row per record with `id` (0..n-1), `rid` (the
 * record's own id), `dossier`, `side`, `truth`, and per field i its normalised value `v{i}`, plus `p{i}` (phonetic key),
 * `d{i}` (parsed date) and `tf{i}` (share of records holding that value) where they apply.
 * Per-value JavaScript (phonetic keys, phone parsing) runs once per distinct value, in tables joined back.
 */
export const prepareRecords = async (workbench: Workbench, config: DedupeConfig): Promise<number> => {
  const select: string[] = [
    '_row AS id',
    config.id ? `${sqlIdentifier(config.id)} AS rid` : '_row::VARCHAR AS rid',
    config.dossier ? `coalesce(${sqlIdentifier(config.dossier)}, '') AS dossier` : `'' AS dossier`,
    config.side ? `coalesce(${sqlIdentifier(config.side)}, '') AS side` : `'' AS side`,
  ];
  if (config.truth) {
    const column = sqlIdentifier(config.truth.column);
    select.push(
      config.truth.pattern
        ? `nullif(regexp_extract(${column}, ${sqlString(config.truth.pattern)}, 1), '') AS truth`
        : `${column} AS truth`,
    );
  } else {
    select.push('NULL::VARCHAR AS truth');
  }
  config.fields.forEach((field, i) => {
    const column = sqlIdentifier(field.column);
    if (field.kind === FieldKind.date) {
      select.push(`${dateOf(column)} AS d${i}`);
      // Compared as text too, so that 19560409 and 19650409 (a typo, not 9 years) can be told apart.
      select.push(
        `coalesce(strftime(${dateOf(column)}, '%Y%m%d'), nullif(regexp_replace(${column}, '[^0-9]', '', 'g'), '')) AS v${i}`,
      );
    } else if (field.kind === FieldKind.phone) {
      select.push(`nullif(trim(${column}), '') AS raw${i}`);
      // The French national and international forms, most of a French CRM, are rewritten here in SQL (as
      // phoneKey's own fast path does); only the other distinct values go through libphonenumber-js.
      const compact = `regexp_replace(${column}, '[\\s.()/-]', '', 'g')`;
      select.push(
        config.phoneRegion === 'FR'
          ? `CASE WHEN regexp_full_match(${compact}, '0[1-9][0-9]{8}|(\\+|00)330?[1-9][0-9]{8}')
                  THEN '+33' || right(${compact}, 9) END AS fast${i}`
          : `NULL::VARCHAR AS fast${i}`,
      );
    } else {
      select.push(`${normalised(field, column)} AS v${i}`);
    }
  });
  await workbench.run(`CREATE OR REPLACE TEMP TABLE rec_base AS SELECT ${select.join(', ')} FROM src`);

  // Derived columns come from small tables joined back once: updating a million rows column by column is slow.
  const excluded = phoneIndexes(config).flatMap((i) => [`raw${i}`, `fast${i}`]);
  const columns = [excluded.length > 0 ? `b.* EXCLUDE (${excluded.join(', ')})` : 'b.*'];
  const joins: string[] = [];
  for (const [i, field] of config.fields.entries()) {
    if (field.kind === FieldKind.phone) {
      const region = config.phoneRegion as CountryCode;
      await valueMap(
        workbench,
        `map${i}`,
        `SELECT DISTINCT raw${i} FROM rec_base WHERE raw${i} IS NOT NULL AND fast${i} IS NULL`,
        (raw) => phoneKey(raw, region),
      );
      joins.push(`LEFT JOIN map${i} ON map${i}.value = b.raw${i}`);
      columns.push(`coalesce(b.fast${i}, map${i}.mapped) AS v${i}`);
    }
    if (hasPhonetic(field)) {
      await valueMap(
        workbench,
        `phonetic${i}`,
        `SELECT DISTINCT v${i} FROM rec_base WHERE v${i} IS NOT NULL`,
        (value) => frenchPhonetic(value) || null,
      );
      joins.push(`LEFT JOIN phonetic${i} ON phonetic${i}.value = b.v${i}`);
      columns.push(`phonetic${i}.mapped AS p${i}`);
    }
    if (usesTermFrequency(field)) {
      await workbench.run(
        `CREATE OR REPLACE TEMP TABLE share${i} AS
         SELECT v${i} AS value, count(*) / sum(count(*)) OVER () AS share FROM rec_base WHERE v${i} IS NOT NULL GROUP BY 1`,
      );
      joins.push(`LEFT JOIN share${i} ON share${i}.value = b.v${i}`);
      columns.push(`share${i}.share AS tf${i}`);
    }
    // Parts that comparisons test on every pair, computed once per record.
    if (field.kind === FieldKind.address) columns.push(`regexp_extract(b.v${i}, '^[0-9]+') AS n${i}`);
    if (field.kind === FieldKind.email) columns.push(`regexp_replace(b.v${i}, '[^0-9]', '', 'g') AS n${i}`);
  }
  await workbench.run(
    `CREATE OR REPLACE TABLE rec AS SELECT ${columns.join(', ')} FROM rec_base b ${joins.join(' ')}`,
  );
  await workbench.run('DROP TABLE rec_base');
  return workbench.scalar('SELECT count(*) FROM rec');
};

const phoneIndexes = (config: DedupeConfig): number[] =>
  config.fields.flatMap((field, i) => (field.kind === FieldKind.phone ? [i] : []));

/** Table `name (value, mapped)`: a JavaScript function applied once to each distinct value `query` returns. */
const valueMap = async (
  workbench: Workbench,
  name: string,
  query: string,
  compute: (value: string) => string | null,
): Promise<void> => {
  const [values = []] = (await workbench.columns(query)) as string[][];
  await workbench.run(`CREATE OR REPLACE TEMP TABLE ${name} (value VARCHAR, mapped VARCHAR)`);
  await workbench.appendStrings(
    name,
    values.map((value) => [value, compute(value)] as const),
  );
};

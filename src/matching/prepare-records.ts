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

const words = (column: string) =>
  `nullif(trim(regexp_replace(lower(strip_accents(${column})), '[^a-z0-9]+', ' ', 'g')), '')`;

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
 * record's own id), `dossier`, `truth`, and per field i its normalised value `v{i}`, plus `p{i}` (phonetic key),
 * `d{i}` (parsed date) and `tf{i}` (share of records holding that value) where they apply.
 * Per-value JavaScript (phonetic keys, phone parsing) runs once per distinct value, in tables joined back.
 */
export const prepareRecords = async (workbench: Workbench, config: DedupeConfig): Promise<number> => {
  const select: string[] = [
    '_row AS id',
    config.id ? `${sqlIdentifier(config.id)} AS rid` : '_row::VARCHAR AS rid',
    config.dossier ? `coalesce(${sqlIdentifier(config.dossier)}, '') AS dossier` : `'' AS dossier`,
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
    } else {
      select.push(`${normalised(field, column)} AS v${i}`);
    }
  });
  await workbench.run(`CREATE OR REPLACE TABLE rec AS SELECT ${select.join(', ')} FROM src`);

  for (const [i, field] of config.fields.entries()) {
    if (field.kind === FieldKind.phone) {
      const region = config.phoneRegion as CountryCode;
      await mapDistinct(workbench, `raw${i}`, `v${i}`, (raw) => phoneKey(raw, region));
      await workbench.run(`ALTER TABLE rec DROP COLUMN raw${i}`);
    }
    if (hasPhonetic(field))
      await mapDistinct(workbench, `v${i}`, `p${i}`, (value) => frenchPhonetic(value) || null);
    if (usesTermFrequency(field)) {
      await workbench.run(`ALTER TABLE rec ADD COLUMN tf${i} DOUBLE`);
      await workbench.run(
        `UPDATE rec SET tf${i} = f.share FROM (
           SELECT v${i} AS value, count(*) / sum(count(*)) OVER () AS share FROM rec WHERE v${i} IS NOT NULL GROUP BY 1
         ) f WHERE rec.v${i} = f.value`,
      );
    }
  }
  return workbench.scalar('SELECT count(*) FROM rec');
};

/** Computes `target` from `source` with a JavaScript function, once per distinct value. */
const mapDistinct = async (
  workbench: Workbench,
  source: string,
  target: string,
  compute: (value: string) => string | null,
): Promise<void> => {
  const [values = []] = (await workbench.columns(
    `SELECT DISTINCT ${source} FROM rec WHERE ${source} IS NOT NULL`,
  )) as string[][];
  await workbench.run(`CREATE OR REPLACE TEMP TABLE value_map (value VARCHAR, mapped VARCHAR)`);
  await workbench.appendStrings(
    'value_map',
    values.map((value) => [value, compute(value)] as const),
  );
  await workbench.run(`ALTER TABLE rec ADD COLUMN ${target} VARCHAR`);
  await workbench.run(`UPDATE rec SET ${target} = m.mapped FROM value_map m WHERE rec.${source} = m.value`);
  await workbench.run('DROP TABLE value_map');
};

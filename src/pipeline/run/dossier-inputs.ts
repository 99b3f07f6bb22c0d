import type { EntityName } from '../../core/model/canonical-model.js';
import type {
  DossierRule,
  EntityPlan,
  FileSourceSpec,
  Plan,
  SqlSourceSpec,
} from '../../core/plan/plan-schema.js';
import { keyColumnsOf } from '../../core/plan/plan-columns.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { valueText } from '../../core/value-text.js';
import { isPseudoColumn } from '../../core/plan/pseudo-columns.js';
import { entityLoadOrder } from '../plan/entity-order.js';
import type { RecordSource, SourceNotice } from '../../core/record-source.js';
import { statSync } from 'node:fs';
import path from 'node:path';
import { concatenatedSource } from '../../connectors/files/concatenated-source.js';
import {
  resolveFiles,
  type FolderWithoutFile,
  type ResolvedFile,
} from '../../connectors/files/resolve-files.js';
import { groupFecFiles } from '../../domains/accounting/fec/fec-file-name.js';
import { sirenOf } from '../../domains/accounting/fec-format.js';
import { fecFileFacts } from '../../domains/accounting/fec-line-facts.js';
import { openFileSource } from '../../connectors/files/open-file-source.js';
import { failingSource } from '../../connectors/files/failing-source.js';
import { openSqlSource } from '../../connectors/sql/open-sql-source.js';
import { sqliteDatabasePath } from '../../connectors/sql/sqlite-database-path.js';
import { NO_DOSSIER } from './dossier-records.js';
import { filesStamp } from './files-stamp.js';
import { sqliteStamp } from './sqlite-stamp.js';

/** The default grouping: by the `{dossier}` placeholder when the path has one, else everything is one dossier. */
export const DEFAULT_DOSSIER = 'default';

export const dossierRuleOf = (plan: EntityPlan): DossierRule => {
  if (plan.dossier !== undefined) return plan.dossier;
  if ('path' in plan.source && plan.source.path.includes('{dossier}')) return { fromPath: true };
  return { value: DEFAULT_DOSSIER };
};

/** A source value as a dossier id or key part: trimmed text, or undefined when empty. */
export const fieldText = (value: unknown): string | undefined => {
  const text = valueText(value)?.trim();
  return text === '' ? undefined : text;
};

/**
 * A source value as a dossier id: as fieldText, but a value holding a NUL character (U+0000) is no dossier id (no
 * target could store it), so its records are rejected NO_DOSSIER with the others that name none.
 */
export const dossierIdOf = (value: unknown): string | undefined => {
  const text = fieldText(value);
  return text?.includes('\u0000') === true ? undefined : text;
};

/** Opens the sources of one entity for one dossier: a list, read in order as one stream of records. */
export type SourceOpener = () => RecordSource[];

export interface EntityInputs {
  readonly entity: EntityName;
  /** Dossiers that have input for this entity (for `field` rules: undefined, known only by reading). */
  readonly dossiers: readonly string[] | undefined;
  readonly open: (dossier: string) => RecordSource[];
  /** The size of the files a dossier's read takes, for the run's ETA; undefined for a database source. */
  readonly bytes: (dossier: string) => number | undefined;
  /** Whether records must be filtered by the dossier field while reading. */
  readonly filterField: string | undefined;
  /**
   * The dossiers a `field` rule's source names, asked of the source itself (a database: its distinct values),
   * for a source that is not read whole to find them.
   */
  readonly scanDossiers?: () => Promise<string[]>;
  /**
   * The SIREN that every FEC file of a dossier names (`SIRENFECYYYYMMDD.txt`), for a dossier found by its folder;
   * undefined when the files name none, or different ones.
   */
  readonly siren?: (dossier: string) => string | undefined;
  /**
   * What a dossier's files are now (each one's path, size, modification time and inode; a SQLite database's file and
   * write-ahead log), for a resume to tell whether they are still those its load began on; undefined for a database
   * server's source, which has no such mark.
   */
  readonly stamp?: (dossier: string) => string;
  /** What the plan's path tells of a dossier before any read: its folder holds no file the path names. */
  readonly notices?: (dossier: string) => readonly SourceNotice[];
}

/** What a dossier's folder holds where no file matches the plan's path: most often the export, misnamed. */
const noFileIn = (pattern: string, folder: FolderWithoutFile): string => {
  const more = folder.names.length > 5 ? `, and ${folder.names.length - 5} more` : '';
  const holds =
    folder.names.length === 0 ? 'it is empty' : `it holds ${folder.names.slice(0, 5).join(', ')}${more}`;
  return `no file in ${folder.relative} matches ${pattern} (${holds})`;
};

/** The one SIREN the files' names give, if they all give the same. */
const sirenOfFecFiles = (files: readonly ResolvedFile[]): string | undefined => {
  const sirens = new Set(files.map((file) => sirenOf(fecFileFacts(file.path).siren)));
  const [siren] = sirens;
  return sirens.size === 1 ? siren : undefined;
};

/** The files' sizes added up; a file that cannot be looked at counts nothing (its read will say why). */
const sizeOf = (files: readonly ResolvedFile[]): number => {
  let bytes = 0;
  for (const file of files) {
    try {
      bytes += statSync(file.path).size;
    } catch {
      // Missing or unreadable: the read reports it.
    }
  }
  return bytes;
};

/**
 * A database source grouped by a dossier column: its distinct values, asked once, by the dossier each names (as
 * dossierIdOf reads the record's field: trimmed; NULL, empty or holding NUL: NO_DOSSIER). A dossier's read asks
 * for exactly the values that name it, so that no row is left out by the database's own idea of equality (a
 * case- or space-insensitive collation, a value with spaces around it) and none is read twice; where the database's
 * equality is looser than these values (MariaDB's `d1` = `D1`), the run keeps the records whose field names the
 * dossier, as it does for a file.
 */
const sqlDossierValues = (
  spec: SqlSourceSpec,
  column: string,
  baseDir: string,
  keyColumns: readonly string[],
): (() => Promise<Map<string, unknown[]>>) => {
  let found: Promise<Map<string, unknown[]>> | undefined;
  return () => {
    found ??= openSqlSource(spec, { baseDir, keyColumns })
      .distinct(column)
      .then((values) => {
        const byDossier = new Map<string, unknown[]>();
        for (const { value, field } of values) {
          const dossier = dossierIdOf(field) ?? NO_DOSSIER;
          const list = byDossier.get(dossier) ?? [];
          list.push(value);
          byDossier.set(dossier, list);
        }
        return byDossier;
      });
    return found;
  };
};

/**
 * Two FECs of one dossier for one fiscal year (a copy left in the folder, `…FEC20241231 - Copie.txt`), or two
 * whose names give no closing date: read together, the second's entries joined the first's by number, so a
 * dossier's money doubled or a 2024 sale became lines of a 2023 entry, with nothing said. Such a dossier is
 * stopped as one with a file that cannot be read (the others go on; the same command resumes once one file is
 * left per fiscal year), by a source whose read fails naming the files.
 */
const fiscalYearTwice = (
  groups: readonly { readonly files: readonly string[] }[],
  shown: (file: string) => string,
): RecordSource | undefined => {
  const byYear = new Map<string, string>();
  for (const group of groups) {
    const first = group.files[0];
    if (first === undefined) continue;
    const year = fecFileFacts(path.basename(first)).closingDate ?? '';
    // A file whose name gives no closing date cannot be told apart from any other: it may be the same year's copy.
    const other = byYear.get(year) ?? (year === '' ? [...byYear.values()][0] : byYear.get(''));
    if (other === undefined) {
      byYear.set(year, first);
      continue;
    }
    const undated = year === '' || byYear.get('') === other;
    const error = new CutoverError(
      ErrorCode.SOURCE_FAILED,
      `${shown(other)} and ${shown(first)} ${undated ? 'cannot be told apart: a name without a closing date (SIRENFECYYYYMMDD.txt) says no fiscal year' : `both hold the books of the fiscal year closing ${year}`}: keep one FEC per fiscal year in the dossier's folder (a copy left there?), each named after its closing date`,
      { context: { file: shown(first) } },
    );
    return failingSource(shown(first), error);
  }
  return undefined;
};

/** Finds what each dossier reads for an entity. Files are listed once; nothing is read yet. */
export const entityInputs = async (
  entity: EntityName,
  plan: EntityPlan,
  baseDir: string,
): Promise<EntityInputs> => {
  const rule = dossierRuleOf(plan);
  const filterField = 'field' in rule ? rule.field : undefined;
  const source = plan.source;
  /** A `value` rule names the one dossier the source belongs to: the others of the run read nothing from it. */
  const elsewhere = (dossier: string) => 'value' in rule && rule.value !== dossier;
  if ('url' in source) {
    const sql: SqlSourceSpec = source;
    const keyColumns = keyColumnsOf(plan).filter((column) => !isPseudoColumn(column));
    const valuesOf =
      filterField === undefined ? undefined : sqlDossierValues(sql, filterField, baseDir, keyColumns);
    const open = (dossier: string): RecordSource[] =>
      elsewhere(dossier)
        ? []
        : [
            openSqlSource(sql, {
              baseDir,
              keyColumns,
              ...(filterField === undefined || valuesOf === undefined
                ? {}
                : {
                    filter: {
                      column: filterField,
                      values: async () => (await valuesOf()).get(dossier) ?? [],
                    },
                  }),
            }),
          ];
    return {
      entity,
      dossiers: 'value' in rule ? [rule.value] : undefined,
      open,
      bytes: () => undefined,
      // A SQLite database is a file, stamped as one; a server's table has no mark a resume could trust (README).
      ...(sql.type === 'sqlite'
        ? {
            stamp: (dossier: string) =>
              elsewhere(dossier) ? '' : sqliteStamp(sqliteDatabasePath(sql, baseDir, process.env), sql.url),
          }
        : {}),
      filterField,
      ...(valuesOf === undefined ? {} : { scanDossiers: async () => [...(await valuesOf()).keys()] }),
    };
  }
  const fileSpec: FileSourceSpec = source;
  const foldersWithoutFile: FolderWithoutFile[] = [];
  const files = await resolveFiles(baseDir, fileSpec.path, (folder) => foldersWithoutFile.push(folder));
  if (files.length === 0) {
    // A pattern that matches nothing is a plan or a folder that is wrong (`export/*.csv` for `exports/`), not an
    // entity with nothing to migrate: before, the run succeeded on nothing and reconcile proved it.
    const [folder] = foldersWithoutFile;
    throw new CutoverError(
      ErrorCode.FILE_NOT_FOUND,
      `${entity}: no file matches ${fileSpec.path} (paths are relative to the plan's folder, ${baseDir})${folder === undefined ? '' : `; ${noFileIn(fileSpec.path, folder)}`}`,
      { context: { file: fileSpec.path, entity } },
    );
  }
  /** The sources of some files: one per file, but the parts of a split FEC are one source. */
  const openFiles = (list: readonly ResolvedFile[]): RecordSource[] => {
    if (fileSpec.type !== 'fec') return list.map((file) => openFileSource(fileSpec, file, baseDir));
    const byPath = new Map(list.map((file) => [file.path, file]));
    const groups = groupFecFiles(
      list.map((file) => file.path),
      (file) => path.basename(file),
    );
    const twice = fiscalYearTwice(groups, (file) => byPath.get(file)?.relative ?? file);
    if (twice !== undefined) return [twice];
    return groups.map((group) =>
      concatenatedSource(
        group.files.map((file) =>
          openFileSource(fileSpec, { ...(byPath.get(file) as ResolvedFile), fecParts: group.files }, baseDir),
        ),
      ),
    );
  };
  if ('fromPath' in rule) {
    const byDossier = new Map<string, typeof files>();
    for (const file of files) {
      const dossier = file.dossier ?? DEFAULT_DOSSIER;
      byDossier.set(dossier, [...(byDossier.get(dossier) ?? []), file]);
    }
    // A folder of a dossier that holds no file of the path's name is a dossier all the same, read as holding
    // nothing for this entity, and said so: its client is not left out of the run, reconcile or evidence.
    const withoutFile = new Map(foldersWithoutFile.map((folder) => [folder.dossier, folder]));
    return {
      entity,
      dossiers: [...new Set([...byDossier.keys(), ...withoutFile.keys()])],
      open: (dossier) => openFiles(byDossier.get(dossier) ?? []),
      bytes: (dossier) => sizeOf(byDossier.get(dossier) ?? []),
      stamp: (dossier) => filesStamp(byDossier.get(dossier) ?? []),
      filterField: undefined,
      ...(fileSpec.type === 'fec'
        ? { siren: (dossier: string) => sirenOfFecFiles(byDossier.get(dossier) ?? []) }
        : {}),
      notices: (dossier) => {
        const folder = withoutFile.get(dossier);
        if (folder === undefined) return [];
        // One message for every entity read off the path (a FEC's journals, accounts, entries...): said once.
        const message = `dossier ${dossier}: ${noFileIn(fileSpec.path, folder)}, so nothing was read there`;
        return [{ code: 'NO_MATCHING_FILE', message }];
      },
    };
  }
  return {
    entity,
    dossiers: 'value' in rule ? [rule.value] : undefined,
    open: (dossier) => (elsewhere(dossier) ? [] : openFiles(files)),
    // A file shared by dossiers (grouped by a column) is read whole for each.
    bytes: (dossier) => (elsewhere(dossier) ? 0 : sizeOf(files)),
    stamp: (dossier) => (elsewhere(dossier) ? '' : filesStamp(files)),
    filterField,
  };
};

/** The inputs of every entity of a plan, in load order: files are listed once for all dossiers. */
export const planInputs = async (plan: Plan, baseDir: string): Promise<Map<EntityName, EntityInputs>> => {
  const inputs = new Map<EntityName, EntityInputs>();
  for (const entity of entityLoadOrder(plan)) {
    const entityPlan = plan.entities[entity];
    if (entityPlan !== undefined) inputs.set(entity, await entityInputs(entity, entityPlan, baseDir));
  }
  return inputs;
};

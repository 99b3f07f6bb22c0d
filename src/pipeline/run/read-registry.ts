import type { Plan } from '../../core/plan/plan-schema.js';
import { openFileSource } from '../../connectors/files/open-file-source.js';
import { resolveFiles } from '../../connectors/files/resolve-files.js';
import { openSqlSource } from '../../connectors/sql/open-sql-source.js';
import type { RecordSource } from '../../core/record-source.js';
import { missingColumnsError, type ColumnUse } from '../map/source-columns-check.js';
import { dossierIdOf, fieldText } from './dossier-inputs.js';

export interface RegistryDossier {
  readonly id: string;
  readonly name: string | null;
  readonly attributes: Record<string, unknown>;
}

/** The dossier registry: the list of client dossiers with their attributes (SIREN, sector, size...). */
export const readRegistry = async (plan: Plan, baseDir: string): Promise<RegistryDossier[]> => {
  const registry = plan.dossiers?.registry;
  if (registry === undefined) return [];
  const spec = registry.source;
  const sources: RecordSource[] =
    'url' in spec
      ? [openSqlSource(spec, { baseDir, keyColumns: [registry.id] })]
      : (await resolveFiles(baseDir, spec.path)).map((file) => openFileSource(spec, file, baseDir));
  const dossiers = new Map<string, RegistryDossier>();
  // A misspelt id column would read no dossier at all, and the run would go on without the registry's dossiers.
  const uses: ColumnUse[] = [
    { column: registry.id, by: 'the registry id' },
    ...(registry.name === undefined ? [] : [{ column: registry.name, by: 'the registry name' }]),
    ...registry.attributes.map((column) => ({ column, by: 'the registry attributes' })),
  ];
  for (const source of sources) {
    let checked = false;
    for await (const batch of source.read()) {
      const columns = source.columns?.();
      if (!checked && columns !== undefined) {
        checked = true;
        // One registry for the whole plan: a column it lacks is the plan's mistake (exit 2), whatever the source.
        const missing = missingColumnsError('registry', source.name, uses, columns, {});
        if (missing !== undefined) throw missing;
      }
      for (const record of batch) {
        const id = dossierIdOf(record.fields[registry.id]);
        if (id === undefined) continue;
        const attributes: Record<string, unknown> = {};
        for (const column of registry.attributes) attributes[column] = record.fields[column] ?? null;
        // A name is shown, never matched: a NUL in it (which PostgreSQL text refuses) becomes U+FFFD.
        const name =
          registry.name === undefined
            ? undefined
            : fieldText(record.fields[registry.name])?.replaceAll('\u0000', '\ufffd');
        dossiers.set(id, { id, name: name ?? null, attributes });
      }
    }
  }
  return [...dossiers.values()];
};

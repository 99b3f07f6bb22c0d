import type { EntityName } from '../../core/model/canonical-model.js';
import type { SourceNotice } from '../../core/record-source.js';
import type { EntityPlan } from '../../core/plan/plan-schema.js';
import type { EntityInputs } from './dossier-inputs.js';
import { NO_DOSSIER } from './dossier-records.js';

/** A notice of the run as a whole: no dossier is named, since none was found. */
export interface NoDossierNotice extends SourceNotice {
  readonly source: string;
  readonly entity: EntityName;
}

/**
 * Why a run found no dossier at all, one NO_DOSSIER_FOUND notice per entity whose dossiers are a column's values
 * (`dossier: { field }`): the only sources that can name none, a folder or a constant always naming one and a path
 * that matches no file being refused (FILE_NOT_FOUND). Such a run read nothing and said "dossiers 0/0" with no word
 * of the empty export behind it: its files are read again here (they hold no record, so it costs nothing) for the
 * reason each gives (a header only, 0 bytes), and a database's table or query is said to have no rows.
 */
export const noDossierFound = async (
  inputs: ReadonlyMap<EntityName, EntityInputs>,
  plans: Readonly<Partial<Record<EntityName, EntityPlan>>>,
): Promise<NoDossierNotice[]> => {
  const notices: NoDossierNotice[] = [];
  for (const [entity, input] of inputs) {
    const field = input.filterField;
    const source = plans[entity]?.source;
    if (field === undefined || input.dossiers !== undefined || source === undefined) continue;
    const column = `its dossier column ${field} names no dossier`;
    if (!('path' in source)) {
      const read = source.table === undefined ? 'query' : `table ${source.table}`;
      notices.push({
        code: 'NO_DOSSIER_FOUND',
        message: `${read} has no rows for ${entity}, so ${column}: nothing was read`,
        source: read,
        entity,
      });
      continue;
    }
    const names: string[] = [];
    const reasons: string[] = [];
    for (const file of input.open(NO_DOSSIER)) {
      names.push(file.name);
      for await (const batch of file.read()) void batch;
      for (const notice of file.notices?.() ?? [])
        if (notice.code === 'EMPTY_FILE') reasons.push(notice.message);
    }
    const why = reasons.length > 0 ? reasons.join('; ') : `${names.join(', ')}: no records`;
    notices.push({
      code: 'NO_DOSSIER_FOUND',
      message: `${source.path} holds no ${entity} record (${why}), so ${column}: nothing was read`,
      source: source.path,
      entity,
    });
  }
  return notices;
};

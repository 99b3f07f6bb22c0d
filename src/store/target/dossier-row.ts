import type { DossierRow } from './target-store.js';

/** A row of the target's dossier table; attributes are stored as JSON text by both targets. */
export const dossierFromRow = (row: Readonly<Record<string, unknown>>): DossierRow => {
  let attributes: Record<string, unknown> = {};
  if (typeof row.attributes === 'string' && row.attributes !== '') {
    const parsed: unknown = JSON.parse(row.attributes);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      attributes = parsed as Record<string, unknown>;
  }
  return {
    id: String(row.id),
    name: typeof row.name === 'string' ? row.name : null,
    attributes,
  };
};

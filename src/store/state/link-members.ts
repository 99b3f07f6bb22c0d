import type { StateStore } from './state-store.js';

/** One record that stands for a company, and the client (one legal entity) it belongs to. */
export interface LinkMember {
  /** `registry`, `crm` or `accounting`: the system the record comes from. */
  readonly system: string;
  /** `dossier` for a registry entry, else the canonical entity (`company`, `third_party`). */
  readonly entity: string;
  readonly dossierId: string;
  readonly sourceKey: string;
  readonly clientId: string;
  readonly name: string | null;
  /** The SIREN as cleaned for linking (check digit valid), or null. */
  readonly siren: string | null;
}

const BATCH = 400;

/**
 * Replaces every link group by those of a new `cutover link`, in one transaction: a reader sees the old groups
 * or the new ones, never half of each. Each record points to exactly one client (the table's key).
 */
export const replaceLinkMembers = async (
  state: StateStore,
  members: readonly LinkMember[],
): Promise<void> => {
  const updatedAt = new Date().toISOString();
  await state.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('link_member').execute();
    for (let start = 0; start < members.length; start += BATCH) {
      await trx
        .insertInto('link_member')
        .values(
          members.slice(start, start + BATCH).map((member) => ({
            client_id: member.clientId,
            system: member.system,
            entity: member.entity,
            dossier_id: member.dossierId,
            source_key: member.sourceKey,
            name: member.name,
            siren: member.siren,
            updated_at: updatedAt,
          })),
        )
        .execute();
    }
  });
};

/** The stored link groups, by client then record; filtered by client or by one record. */
export const readLinkMembers = async (
  state: StateStore,
  filter: { clientId?: string; entity?: string; dossierId?: string; sourceKey?: string } = {},
): Promise<LinkMember[]> => {
  let query = state.db.selectFrom('link_member').selectAll();
  if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
  if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
  if (filter.dossierId !== undefined) query = query.where('dossier_id', '=', filter.dossierId);
  if (filter.sourceKey !== undefined) query = query.where('source_key', '=', filter.sourceKey);
  const rows = await query
    .orderBy('client_id')
    .orderBy('entity')
    .orderBy('dossier_id')
    .orderBy('source_key')
    .execute();
  return rows.map((row) => ({
    system: row.system,
    entity: row.entity,
    dossierId: row.dossier_id,
    sourceKey: row.source_key,
    clientId: row.client_id,
    name: row.name,
    siren: row.siren,
  }));
};

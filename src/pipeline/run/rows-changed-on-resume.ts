import type { EntityName } from '../../core/model/canonical-model.js';

/**
 * A resume found that the records before its checkpoint are no longer those the interrupted load read (a database
 * table changed between the kill and the resume: a row added, removed or given another key before the checkpoint).
 * Thrown by the load while it replays, before it writes anything; runMigration starts the dossier's begun units over.
 */
export class RowsChangedOnResume extends Error {
  constructor(
    readonly entity: EntityName,
    /** What the replay found, for the notice: `contacts key P0 (record 1) is not a record this run had read there`. */
    readonly found: string,
  ) {
    super(`${entity}: ${found}`);
    this.name = 'RowsChangedOnResume';
  }
}

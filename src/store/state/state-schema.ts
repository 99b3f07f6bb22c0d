/** Tables of the state store (the same on SQLite and PostgreSQL). */
export interface StateDatabase {
  plan_version: {
    hash: string;
    name: string;
    text: string;
    created_at: string;
  };
  dossier: {
    id: string;
    name: string | null;
    attributes: string;
    created_at: string;
  };
  run: {
    id: string;
    plan_hash: string;
    command: string;
    status: string;
    started_at: string;
    finished_at: string | null;
    summary: string | null;
  };
  run_step: {
    run_id: string;
    dossier_id: string;
    entity: string;
    status: string;
    records_read: number;
    loaded: number;
    skipped: number;
    rejected: number;
    repeats: number;
    merged: number | null;
    updated_at: string;
  };
  ledger_entry: {
    dossier_id: string;
    entity: string;
    location: string;
    run_id: string;
    fate: string;
    reason: string | null;
    rule: string | null;
    message: string | null;
    column_name: string | null;
    source_key: string | null;
    source: string;
    line: number | null;
    record: number;
    raw: string;
    survivor_key: string | null;
    survivor_dossier_id: string | null;
  };
  source_notice: {
    id: string;
    run_id: string;
    dossier_id: string;
    entity: string;
    source: string;
    code: string;
    message: string;
    line: number | null;
    /** The notice's place among those of its unit (run, dossier, entity); NULL for rows stored before it was kept. */
    seq: number | null;
  };
  merge_decision: {
    cluster_id: string;
    dossier_id: string;
    entity: string;
    survivor_key: string;
    absorbed_key: string;
    golden: string;
    created_at: string;
    undone_at: string | null;
    survivor_dossier_id: string | null;
  };
  /** What a unit's files were when its load began (path, size, modification time, inode), to tell on resume. */
  unit_source: {
    run_id: string;
    dossier_id: string;
    entity: string;
    stamp: string;
  };
  golden_choice: {
    dossier_id: string;
    entity: string;
    column_name: string;
    chosen_key: string;
    chosen_at: string;
  };
  review_pair: {
    pair_id: string;
    dossier_id: string;
    entity: string;
    left_key: string;
    right_key: string;
    fields: string;
    probability: number;
    explanation: string;
    reason: string;
    decision: string | null;
    decided_at: string | null;
    updated_at: string;
    right_dossier_id: string | null;
  };
  link_member: {
    entity: string;
    dossier_id: string;
    source_key: string;
    client_id: string;
    system: string;
    name: string | null;
    siren: string | null;
    updated_at: string;
  };
}

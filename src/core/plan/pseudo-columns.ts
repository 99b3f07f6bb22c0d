/**
 * `$occurrence`: the record's number among the records of its dossier that share the rest of its key, in source
 * order (1, 2, ...). Ends a key whose other columns do not tell records apart (the lines of one FEC entry), so that
 * a line keeps its key, hence its target id, when a later export adds or removes other entries.
 */
export const OCCURRENCE = '$occurrence';

/** Names a plan may use in `from`, `key` and skip rules that read the record's place, not a column of the source. */
export const PSEUDO_COLUMNS: readonly string[] = ['$dossier', '$record', '$line', '$file', OCCURRENCE];

export const isPseudoColumn = (name: string): boolean => PSEUDO_COLUMNS.includes(name);

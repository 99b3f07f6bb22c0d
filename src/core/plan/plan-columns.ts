import type { EntityPlan, FieldMapping } from './plan-schema.js';

/** A plan's one column or list of columns (`key`, `from`) as a list; none when absent. */
export const columnList = (columns: string | readonly string[] | undefined): readonly string[] =>
  columns === undefined ? [] : typeof columns === 'string' ? [columns] : columns;

/** The columns of an entity's `key`, in order. */
export const keyColumnsOf = (entity: Pick<EntityPlan, 'key'>): readonly string[] => columnList(entity.key);

/** The columns a field mapping reads (`name: Column` or `from:`); none for a `value:`. */
export const fieldColumnsOf = (mapping: FieldMapping): readonly string[] =>
  typeof mapping === 'string' ? [mapping] : columnList(mapping.from);

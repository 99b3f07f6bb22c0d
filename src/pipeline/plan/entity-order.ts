import { referencesOf, type EntityName } from '../../core/model/canonical-model.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import type { Plan } from '../../core/plan/plan-schema.js';

export interface EntityReference {
  readonly column: string;
  readonly parent: EntityName;
}

/** References the plan actually maps, per entity. A mapped reference to an entity the plan does not load is refused. */
export const mappedReferences = (plan: Plan, entity: EntityName): EntityReference[] => {
  const fields = plan.entities[entity]?.fields ?? {};
  return referencesOf(entity).filter((reference) => {
    if (!Object.hasOwn(fields, reference.column)) return false;
    if (plan.entities[reference.parent] === undefined) {
      throw new CutoverError(
        ErrorCode.PLAN_INVALID,
        `entities.${entity}.fields.${reference.column} refers to ${reference.parent}, which the plan does not load`,
      );
    }
    return true;
  });
};

/**
 * Entities in load order: every parent before its children. A cycle is refused with the entities involved
 * (self-references, such as a company's parent company, are loaded in one pass and allowed).
 */
export const entityLoadOrder = (plan: Plan): EntityName[] => {
  const entities = Object.keys(plan.entities) as EntityName[];
  const order: EntityName[] = [];
  const state = new Map<EntityName, 'visiting' | 'done'>();
  const visit = (entity: EntityName, path: EntityName[]) => {
    const status = state.get(entity);
    if (status === 'done') return;
    if (status === 'visiting') {
      const cycle = [...path.slice(path.indexOf(entity)), entity];
      throw new CutoverError(
        ErrorCode.PLAN_INVALID,
        `the plan's references form a cycle: ${cycle.join(' -> ')}`,
      );
    }
    state.set(entity, 'visiting');
    for (const reference of mappedReferences(plan, entity)) {
      if (reference.parent !== entity) visit(reference.parent, [...path, entity]);
    }
    state.set(entity, 'done');
    order.push(entity);
  };
  for (const entity of entities) visit(entity, []);
  return order;
};

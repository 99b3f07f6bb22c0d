import { z } from 'zod';
import { canonicalModel, entityNames } from '../model/canonical-model.js';
import { planSchema } from './plan-schema.js';

type JsonSchema = Record<string, unknown>;

const objectAt = (schema: JsonSchema, key: string): JsonSchema => {
  const value = schema[key];
  if (typeof value !== 'object' || value === null) throw new Error(`plan JSON Schema: no "${key}" object`);
  return value as JsonSchema;
};

/**
 * The plan's JSON Schema, for editors. zod writes `entities` and each entity's `fields` as maps of any name, since
 * the plan schema checks their names in a refinement (with a message naming the canonical ones); here they are
 * narrowed to the canonical entities and, per entity, to its columns, so that an editor flags `contacts:` or
 * `emial:` as `cutover validate` does. The entity plan is written once under `$defs` and each entity refers to it.
 */
export const planJsonSchema = (): JsonSchema => {
  const schema = z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = objectAt(schema, 'properties');
  const entities = objectAt(properties, 'entities');
  const entityPlan = objectAt(entities, 'additionalProperties');
  return {
    title: 'cutover plan',
    ...schema,
    properties: {
      ...properties,
      entities: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          entityNames.map((name) => [
            name,
            {
              allOf: [
                { $ref: '#/$defs/entityPlan' },
                {
                  properties: {
                    fields: { propertyNames: { enum: Object.keys(canonicalModel[name].columns) } },
                  },
                },
              ],
            },
          ]),
        ),
      },
    },
    $defs: { ...(schema.$defs as JsonSchema | undefined), entityPlan },
  };
};

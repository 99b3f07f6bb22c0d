import { closest } from 'fastest-levenshtein';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { CutoverError, ErrorCode } from '../errors.js';
import { planSchema, sourceSchema, type Plan } from './plan-schema.js';
import { specificIssues } from './specific-issues.js';

/** One mistake in a plan, with the YAML line a person should look at. */
export interface PlanProblem {
  readonly path: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly message: string;
}

const pathText = (path: readonly PropertyKey[]): string =>
  path
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replace(/\.\[/g, '[');

/** Offset of the YAML key at `path` (or of its value, or of its nearest existing parent), to report a line. */
const offsetOf = (document: Document, path: readonly PropertyKey[], key?: string): number | undefined => {
  if (key !== undefined) return offsetOf(document, [...path, key]);
  if (path.length === 0) return document.contents?.range?.[0];
  const parent: unknown =
    path.length === 1 ? document.contents : document.getIn(path.slice(0, -1) as unknown[], true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  const node: unknown = document.getIn(path as unknown[], true);
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range))
    return node.range[0] as number;
  // The node is missing (a required field): point at its parent.
  return offsetOf(document, path.slice(0, -1));
};

/** YAML syntax errors listed before the rest are only counted. */
const SYNTAX_ERRORS_SHOWN = 3;

/**
 * Parses and validates a plan. A mistake is refused with every problem found, each with its YAML line and the
 * field path, and for a misspelt field name the closest valid one.
 */
export const parsePlan = (text: string, fileName = 'cutover.yaml'): Plan => {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset);
  const problems: PlanProblem[] = [];

  // The first syntax errors say what is wrong; the rest follow from them (a `{` that opens a flow mapping where a
  // value was meant gave about 65 lines of "Unexpected token").
  for (const error of document.errors.slice(0, SYNTAX_ERRORS_SHOWN)) {
    const position = lineAt(error.pos[0]);
    problems.push({
      path: '',
      line: position?.line,
      column: position?.col,
      message: error.message.split('\n')[0] ?? '',
    });
  }
  const unshown = document.errors.length - SYNTAX_ERRORS_SHOWN;
  if (unshown > 0) {
    problems.push({
      path: '',
      line: undefined,
      column: undefined,
      message: `and ${unshown} more YAML syntax errors after these, most caused by them`,
    });
  }
  if (problems.length === 0) {
    const result = planSchema.safeParse(document.toJS());
    if (result.success) return result.data;
    for (const issue of specificIssues(result.error.issues)) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const position = lineAt(offsetOf(document, issue.path, key));
          const node: unknown = document.getIn(issue.path as unknown[], true);
          const siblings = isMap(node)
            ? node.items.map((item) => (isScalar(item.key) ? String(item.key.value) : ''))
            : [];
          const type = isMap(node) ? node.get('type') : undefined;
          const allowed = allowedKeys(issue.path, type);
          const valid = allowed.filter((name) => !siblings.includes(name) || name === key);
          const suggestion = valid.length > 0 ? closest(key, valid) : undefined;
          // A field of another source type (`path` on a database source): a suggestion would be the field itself.
          const hint =
            isSourcePath(issue.path) && sourceKeys(undefined).includes(key)
              ? ` (a ${String(type)} source takes ${allowed.join(', ')})`
              : suggestion
                ? ` (did you mean "${suggestion}"?)`
                : '';
          problems.push({
            path: pathText([...issue.path, key]),
            line: position?.line,
            column: position?.col,
            message: `unknown field "${key}"${hint}`,
          });
        }
        continue;
      }
      const position = lineAt(offsetOf(document, issue.path));
      problems.push({
        path: pathText(issue.path),
        line: position?.line,
        column: position?.col,
        message: plainMessage(issue),
      });
    }
  }
  const lines = problems.map(
    (problem) =>
      `${fileName}${problem.line === undefined ? '' : `:${problem.line}`}${problem.path ? ` ${problem.path}` : ''}: ${problem.message}`,
  );
  throw new CutoverError(ErrorCode.PLAN_INVALID, `the plan is not valid:\n  ${lines.join('\n  ')}`, {
    context: { file: fileName, problems: problems.length },
  });
};

/**
 * zod's words where a person reads better ones: a field that is not there is missing, not `expected string,
 * received undefined`, and a document with nothing in it is an empty plan.
 */
const plainMessage = (issue: { code: string; path: PropertyKey[]; message: string }): string => {
  if (issue.code !== 'invalid_type') return issue.message;
  if (issue.path.length === 0 && / received (null|undefined)$/.test(issue.message))
    return 'the plan is empty: it needs version, name, target and entities (`cutover init` writes a starter plan)';
  const expected = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message)?.[1];
  return expected === undefined
    ? issue.message
    : `required, and missing (${KIND_WORDS[expected] ?? expected} expected)`;
};

const KIND_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** The fields a source of this type takes; every source type's when the type is missing or unknown. */
const sourceKeys = (type: unknown): string[] => {
  const schemas = sourceSchema.options.filter((schema) => schema.shape.type.safeParse(type).success);
  return [
    ...new Set(
      (schemas.length > 0 ? schemas : sourceSchema.options).flatMap((schema) => Object.keys(schema.shape)),
    ),
  ];
};

/** `entities.NAME.source` or `dossiers.registry.source`. */
const isSourcePath = (path: readonly PropertyKey[]): boolean =>
  path.length === 3 && (path[0] === 'entities' || path[0] === 'dossiers') && path[2] === 'source';

/** Field names allowed at a path of the plan, for "did you mean" suggestions. */
const allowedKeys = (path: readonly PropertyKey[], sourceType: unknown): string[] =>
  isSourcePath(path) ? sourceKeys(sourceType) : schemaKeysAt(planSchema, path);

/** What zod keeps of a schema's definition, as far as finding the fields of an object goes. */
interface SchemaDefinition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly valueType?: unknown;
  readonly element?: unknown;
  readonly options?: readonly unknown[];
  readonly left?: unknown;
  readonly right?: unknown;
}

const definitionOf = (schema: unknown): SchemaDefinition | undefined =>
  (schema as { _zod?: { def?: SchemaDefinition } } | undefined)?._zod?.def;

/**
 * The field names an object of the plan takes at `path`, read from the plan's zod schema itself (through optional,
 * default, map, list and union), so that a misspelt field anywhere (`link.thirdPartyKind`) gets its suggestion.
 */
const schemaKeysAt = (schema: unknown, path: readonly PropertyKey[]): string[] => {
  const definition = definitionOf(schema);
  if (definition === undefined) return [];
  switch (definition.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return schemaKeysAt(definition.innerType, path);
    case 'pipe':
      return schemaKeysAt(definition.in, path);
    case 'union':
      return [...new Set((definition.options ?? []).flatMap((option) => schemaKeysAt(option, path)))];
    case 'intersection':
      return [...new Set([...schemaKeysAt(definition.left, path), ...schemaKeysAt(definition.right, path)])];
    case 'object': {
      const shape = definition.shape ?? {};
      const [first, ...rest] = path;
      if (first === undefined) return Object.keys(shape);
      return typeof first === 'string' && Object.hasOwn(shape, first) ? schemaKeysAt(shape[first], rest) : [];
    }
    case 'record':
      return path.length === 0 ? [] : schemaKeysAt(definition.valueType, path.slice(1));
    case 'array':
      return path.length === 0 ? [] : schemaKeysAt(definition.element, path.slice(1));
    default:
      return [];
  }
};

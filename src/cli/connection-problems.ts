import { redactUrl, resolveConnectionUrl } from '../core/connection-url.js';
import { isCutoverError } from '../core/errors.js';
import type { PlanProblem } from '../core/plan/parse-plan.js';
import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { isUnsupportedStateUrl, UNSUPPORTED_STATE_MESSAGE } from './state-location.js';
import { yamlLine } from './yaml-line.js';

type PathPart = string | number;

/** Every connection the plan names: the state store, the target's and each SQL source's `url`, wherever it is. */
const connections = (plan: unknown): { path: PathPart[]; url: string }[] => {
  const found: { path: PathPart[]; url: string }[] = [];
  const visit = (value: unknown, path: PathPart[]) => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (typeof child === 'string' && (key === 'url' || (key === 'state' && path.length === 0)))
          found.push({ path: [...path, key], url: child });
        else visit(child, [...path, key]);
      }
    }
  };
  visit(plan, []);
  return found;
};

/**
 * Every variable set, to a value that changes nothing: `cutover validate` checks the plan, not the environment of
 * the machine it runs on (CI validates plans whose secrets it never holds).
 */
const anyVariableSet: NodeJS.ProcessEnv = new Proxy({}, { get: () => 'set' });

/**
 * What `cutover run` refuses in the plan's connection URLs when it opens them (a literal password: plans are
 * versioned and shared, secrets must not be; a state store that is neither a SQLite path nor a postgres:// URL),
 * found without opening anything, each with its YAML line. The checks are the run's own (resolveConnectionUrl,
 * isUnsupportedStateUrl), so the two cannot disagree.
 */
export const connectionProblems = (loaded: LoadedPlan): PlanProblem[] =>
  connections(loaded.plan).flatMap(({ path, url }) => {
    const problem = (message: string): PlanProblem => ({
      path: path
        .map((part) => (typeof part === 'number' ? `[${part}]` : part))
        .join('.')
        .replace(/\.\[/g, '['),
      line: yamlLine(loaded.text, path),
      column: undefined,
      message,
    });
    if (path.length === 1 && path[0] === 'state' && isUnsupportedStateUrl(url))
      return [problem(`${redactUrl(url)}: ${UNSUPPORTED_STATE_MESSAGE}`)];
    try {
      resolveConnectionUrl(url, anyVariableSet);
      return [];
    } catch (error) {
      if (!isCutoverError(error)) throw error;
      return [problem(error.message)];
    }
  });

import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

const isRootTypeMismatch = (issue: Issue): boolean =>
  issue.code === 'invalid_type' && issue.path.length === 0;

/** What zod says it received, from its message ("..., received object"). */
const receivedOf = (issue: Issue): string | undefined => /received (\w+)$/.exec(issue.message)?.[1];

/**
 * zod reports a value that matches no alternative of a union as one "Invalid input" at the union's path (a field
 * mapping is a column name or an object; a key is a column or a list). That tells a person nothing, so each such
 * issue is replaced by what they meant: a required field that is missing; the types the field takes when it has
 * another; otherwise the issues of the alternative of the value's shape (the object one, for an object), at their
 * own path ('transform[0]: Invalid option: expected one of ...', or an unknown field there, with its suggestion).
 */
export const specificIssues = (issues: readonly Issue[], prefix: readonly PropertyKey[] = []): Issue[] =>
  issues.flatMap((issue): Issue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const branches = issue.errors;
    if (branches.every((branch) => branch.length > 0 && branch.every(isRootTypeMismatch))) {
      const received = receivedOf(branches[0]![0]!);
      if (received === 'undefined') return [{ ...issue, path, message: 'required, and missing' }];
      const expected = [
        ...new Set(
          branches.flatMap((branch) => branch.map((i) => ('expected' in i ? String(i.expected) : ''))),
        ),
      ].filter((name) => name !== '');
      return [
        {
          ...issue,
          path,
          message: `expected ${expected.join(' or ')}${received === undefined ? '' : `, received ${received}`}`,
        },
      ];
    }
    // The alternative the value's shape chose: not one refused outright for its type, and the one that got furthest.
    const depth = (branch: readonly Issue[]) => Math.max(...branch.map((i) => i.path.length));
    const shaped = branches.filter((branch) => !branch.every(isRootTypeMismatch));
    const best = shaped.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return specificIssues(best, path);
  });

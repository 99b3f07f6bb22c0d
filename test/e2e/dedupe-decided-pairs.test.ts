import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from './support/cli.js';

/**
 * A pair a person decided is no longer to review. `cutover dedupe` counted it among its "pairs to review" when the
 * decision left it in the grey zone (a "different" pair keeps its score), so after `review decide` it said 8 where
 * `cutover review` listed 7 (met on the demo's CRM, walking through the README).
 */
const ok = (result: CliResult): CliResult => {
  expect(result.code, describeResult(result)).toBe(0);
  return result;
};

describe('dedupe after review decisions', () => {
  let plan = '';
  beforeAll(async () => {
    ensureBuilt();
    const dir = tempDir('cutover-e2e-dedupe-decided-');
    ok(await cli(['generate', '--dossiers', '2', '--seed', '7', '--out', dir]));
    plan = path.join(dir, 'cutover.yaml');
  }, 120_000);

  it('counts as to review only the pairs not decided, as `review` lists them', async () => {
    const json = async <T>(...args: string[]) =>
      parseJsonStdout<T>(ok(await cli([...args, '--plan', plan, '--json'])));
    const first = await json<{ review: { total: number } }>('dedupe', '--entity', 'contact');
    const queue = await json<{ total: number; pairs: { pairId: string }[] }>('review', '--entity', 'contact');
    expect(queue.total).toBe(first.review.total);
    expect(queue.total).toBeGreaterThan(1);
    // Half the queue decided "different", the rest left pending.
    const decided = queue.pairs.slice(0, Math.ceil(queue.pairs.length / 2));
    for (const pair of decided) ok(await cli(['review', 'decide', pair.pairId, 'different', '--plan', plan]));

    const again = await json<{ review: { total: number }; decisionsApplied: { different: number } }>(
      'dedupe',
      '--entity',
      'contact',
    );
    expect(again.decisionsApplied.different).toBe(decided.length);
    const pending = await json<{ total: number }>('review', '--entity', 'contact');
    expect(pending.total).toBe(queue.total - decided.length);
    expect(again.review.total).toBe(pending.total);
    const text = ok(await cli(['dedupe', '--entity', 'contact', '--plan', plan]));
    expect(text.stdout).toContain(`${pending.total} pairs to review`);
  }, 180_000);
});

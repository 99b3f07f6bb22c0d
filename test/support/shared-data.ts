import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The folder of a local repository this clone was made from (`git clone /work/main /tmp/fresh`), if any. */
const localOrigin = (): string | undefined => {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .trim()
      .replace(/^file:\/\//, '');
    return path.isAbsolute(url) ? url : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The public reference files nobody on this project wrote (FEC samples, record-linkage sets; see their README):
 * `CUTOVER_SHARED_DATA` when set, else `../shared/data` beside this clone, else beside the local repository it
 * was cloned from. Under CI they are required.
 */
const locate = (): string => {
  const origin = localOrigin();
  const candidates = [
    process.env.CUTOVER_SHARED_DATA,
    path.resolve(repoRoot, '../shared/data'),
    ...(origin === undefined ? [] : [path.resolve(origin, '../shared/data')]),
  ].filter((candidate): candidate is string => candidate !== undefined);
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'fec')));
  if (found !== undefined) return found;
  const message = `the public reference data (shared/data) is not in any of: ${candidates.join(', ')}; set CUTOVER_SHARED_DATA`;
  if (process.env.CI) throw new Error(`${message} (required under CI)`);
  console.warn(`\n[cutover tests] ${message}: the tests that read it fail\n`);
  return candidates[0] ?? path.resolve(repoRoot, '../shared/data');
};

export const sharedDataDir = locate();

/** A path under the shared reference data. */
export const sharedData = (...parts: string[]): string => path.join(sharedDataDir, ...parts);

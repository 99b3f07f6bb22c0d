import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorResult } from '../../../src/cli/error-result.js';

/** The repository root, whatever the working directory of the test run. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const cutoverBin = path.join(repoRoot, 'bin', 'cutover.js');
const builtMain = path.join(repoRoot, 'dist', 'cli', 'main.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
};

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The CLI tests run `bin/cutover.js`, which loads dist/. Builds it when it is missing or older than src/ (a test of
 * stale code proves nothing). Test files run in parallel workers: a lock directory keeps to one build at a time.
 */
export const ensureBuilt = (): void => {
  const stale = () =>
    !existsSync(builtMain) || statSync(builtMain).mtimeMs < newestMtime(path.join(repoRoot, 'src'));
  if (!stale()) return;
  const lock = path.join(
    tmpdir(),
    `cutover-e2e-build-${Buffer.from(repoRoot).toString('hex').slice(-24)}.lock`,
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than the deadline is left over from a killed run.
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 180_000) {
        rmdirSync(lock);
        continue;
      }
      sleepSync(250);
    }
  }
  try {
    if (stale()) {
      try {
        execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe', encoding: 'utf8' });
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(
          `npm run build failed: the CLI tests need dist/ built from src/\n${stdout}${stderr}`,
          {
            cause: error,
          },
        );
      }
    }
  } finally {
    rmdirSync(lock);
  }
};

/** Starts `node bin/cutover.js ...args`, for tests that must stop it themselves. */
export const startCli = (args: readonly string[], options: CliOptions = {}): ChildProcess =>
  spawn(process.execPath, [cutoverBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Collects a started child's output until it exits. */
export const finished = (child: ChildProcess): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });

/** Runs `cutover ...args` to its end. */
export const cli = (args: readonly string[], options: CliOptions = {}): Promise<CliResult> =>
  finished(startCli(args, options));

/**
 * The whole of stdout as JSON: `--json` promises a structured result and nothing else, so anything before or
 * after it fails here with the text shown.
 */
export const parseJsonStdout = <T = unknown>(result: CliResult): T => {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(
      `stdout is not one JSON document (${String(error)}):\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
      { cause: error },
    );
  }
};

/** For failure messages: what the command said. */
export const describeResult = (result: CliResult): string =>
  `exit ${result.code} signal ${result.signal}\n--- stdout ---\n${result.stdout.slice(0, 4000)}\n--- stderr ---\n${result.stderr.slice(0, 4000)}`;

/** The error `--json` prints on stdout when a command fails as a whole, stdout being that one document. */
export const jsonError = (result: CliResult): ErrorResult['error'] =>
  parseJsonStdout<ErrorResult>(result).error;

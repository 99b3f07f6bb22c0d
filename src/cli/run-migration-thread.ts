import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CutoverError, ErrorCode } from '../core/errors.js';
import type { RunProgress, RunSummary } from '../pipeline/run/run-migration.js';
import { errorFromThread, type ThreadError } from './thread-error.js';

/** What `cutover run` asks: the plan and state as on the command line. */
export interface MigrationRequest {
  readonly plan: string;
  readonly state: string | undefined;
  readonly dryRun: boolean;
  readonly dossiers: string[] | undefined;
}

export type MigrationThreadMessage =
  | { readonly type: 'progress'; readonly progress: RunProgress }
  | { readonly type: 'summary'; readonly summary: RunSummary }
  | { readonly type: 'failed'; readonly error: ThreadError };

/** The thread's compiled script, beside this file once built. */
const threadScript = new URL('./migration-thread.js', import.meta.url);

/**
 * Young generation of the migration thread, in MB (V8 splits it in three: two semi-spaces and a space for large new
 * objects). Node's default semi-space of 16 MB fills every few thousand records while a batch of rows is being
 * built, so most of a batch lived through collections and was copied to the old generation: on 1M contacts the
 * garbage collector took 3.3 s of the migrating thread's 13 s, 0.8 s in this thread. Peak memory grows by at most
 * the difference (about 150 MB). Only a thread can be given its own heap sizes: V8 reads them when a heap is created,
 * and the process's own heap exists before any of our code runs.
 */
const YOUNG_GENERATION_MB = 192;

/** The migration a request asks for, on the calling thread: what the migration thread runs. */
export const migrate = async (
  request: MigrationRequest,
  onProgress: (progress: RunProgress) => void,
): Promise<RunSummary> => {
  // Loaded here, not with the module: the thread that starts the migration thread and waits for it does not load
  // the pipeline, its stores and drivers (about 0.4 s).
  const [{ withSession }, { runMigration }] = await Promise.all([
    import('./session.js'),
    import('../pipeline/run/run-migration.js'),
  ]);
  return withSession(
    { plan: request.plan, state: request.state, target: !request.dryRun, exclusive: !request.dryRun },
    (session) =>
      runMigration({
        loaded: session.loaded,
        state: session.state,
        target: session.target,
        ...(request.dossiers === undefined ? {} : { dossiers: request.dossiers }),
        onProgress,
      }),
  );
};

/**
 * Runs `cutover run`'s migration in a worker thread with a larger young generation, relaying its progress; the
 * calling thread only waits. From the TypeScript sources (unit tests), where no compiled thread script exists, the
 * migration runs on the calling thread instead: same code, default heap.
 */
export const runMigrationThread = (
  request: MigrationRequest,
  onProgress: (progress: RunProgress) => void,
): Promise<RunSummary> => {
  if (!existsSync(fileURLToPath(threadScript))) return migrate(request, onProgress);
  return new Promise((resolve, reject) => {
    const worker = new Worker(threadScript, {
      workerData: request,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    let outcome: { summary: RunSummary } | { error: Error } | undefined;
    worker.on('message', (message: MigrationThreadMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'summary') outcome = { summary: message.summary };
      else outcome = { error: errorFromThread(message.error) };
    });
    worker.on('error', (error) => (outcome ??= { error }));
    // The thread has closed its session (target and state store) once it exits: only then is the run over.
    worker.on('exit', (code) => {
      if (outcome === undefined) {
        reject(
          new CutoverError(
            ErrorCode.INTERNAL,
            `the migration thread stopped without a result (exit code ${code})`,
          ),
        );
      } else if ('summary' in outcome) resolve(outcome.summary);
      else reject(outcome.error);
    });
  });
};

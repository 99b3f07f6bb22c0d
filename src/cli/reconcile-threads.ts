import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CutoverError, ErrorCode } from '../core/errors.js';
import {
  dossiersToReconcile,
  reconcileEach,
  scratchFolder,
  summarizeReconciliation,
  type DossierReconciliation,
  type Reconciliation,
} from '../pipeline/reconcile/reconcile.js';
import type { Session } from './session.js';
import { errorFromThread, type ThreadError } from './thread-error.js';

/** What a reconcile thread opens: the plan and state store as on the command line. */
export interface ReconcileRequest {
  readonly plan: string;
  readonly state: string | undefined;
}

/** What a thread is started with: the request, and the folder for its scratch file (the caller removes it). */
export interface ReconcileThreadData extends ReconcileRequest {
  readonly scratchDir: string;
}

/** From a reconcile thread: ready for a dossier, one dossier's result, or the error that stopped it. */
export type ReconcileThreadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'dossier'; readonly result: DossierReconciliation }
  | { readonly type: 'failed'; readonly error: ThreadError };

/** To a reconcile thread: the next dossier, or no more. */
export type ReconcileThreadCommand =
  { readonly type: 'dossier'; readonly id: string } | { readonly type: 'stop' };

/** The thread's compiled script, beside this file once built. */
const threadScript = new URL('./reconcile-thread.js', import.meta.url);

/**
 * Young generation of each thread, in MB. With Node's default (16 MB semi-spaces) a dossier's mapped records and
 * proof rows outlive a few collections and are copied to the old generation: a thread then spends about a fifth of
 * its time collecting garbage. 200 generated dossiers, one thread: 19.9-20.5 s on the calling thread, 16.9-18.4 s
 * in a thread with this heap; two threads: 13.2-14.3 s, 11.2-11.6 s. 192 MB gained nothing more.
 */
const YOUNG_GENERATION_MB = 96;

/**
 * Threads by default: one per core, at most 4. Each thread holds its own plan inputs, scratch file, heap and
 * connections; past a few, the disk and the target's server are what they wait for. More threads than cores are
 * never started: each dossier keeps a core busy, so they could only wait for one another, with a heap and
 * connections each (a PostgreSQL server refuses clients past its max_connections).
 */
export const defaultReconcileThreads = (): number => Math.min(availableParallelism(), 4);

/**
 * Reconciles the session's dossiers in several threads at once (each dossier is read, mapped, hashed and proven on
 * one core; a portfolio of dossiers keeps them all busy). Each thread opens its own session on the same plan and
 * state and takes the next dossier as soon as it is done with one, so a large dossier does not hold up the small
 * ones (taking the largest first, by records read, was measured slower: 12.8-14.8 s against 11.2-11.6 s). The result is
 * the same as reconciling one after the other, in the same dossier order. Even one thread is a worker, for its
 * larger young generation; only from the TypeScript sources (no compiled thread script) does it run on the calling
 * thread.
 */
export const reconcileInThreads = async (options: {
  request: ReconcileRequest;
  session: Session;
  dossiers?: readonly string[] | undefined;
  threads?: number | undefined;
  onDossier?: (done: number, total: number, dossier: DossierReconciliation) => void;
}): Promise<Reconciliation> => {
  const { session } = options;
  const ids = await dossiersToReconcile(session.loaded, session.state, options.dossiers);
  const threads = Math.min(options.threads ?? defaultReconcileThreads(), availableParallelism(), ids.length);
  if (threads === 0 || !existsSync(fileURLToPath(threadScript))) {
    return reconcileEach(
      { loaded: session.loaded, state: session.state, target: session.target! },
      ids,
      options.onDossier,
    );
  }
  const results = new Map<string, DossierReconciliation>();
  // Scratch folders are made and removed here, not in the threads: a thread that dies (out of memory, killed)
  // would leave its folder behind, and so would Ctrl-C, which ends the process without unwinding the threads.
  const folders = Array.from({ length: threads }, () => scratchFolder());
  const removeFolders = () => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    removeFolders();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // Ended by the signal as before, now that nothing is left behind.
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let running = threads;
    let failure: Error | undefined;
    const fail = (error: Error) => (failure ??= error);
    for (const scratchDir of folders) {
      const data: ReconcileThreadData = { ...options.request, scratchDir };
      const worker = new Worker(threadScript, {
        workerData: data,
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      const send = (command: ReconcileThreadCommand) => worker.postMessage(command);
      // After a failure elsewhere, threads stop at their next dossier: the command fails as a whole.
      const dispatch = () =>
        failure === undefined && next < ids.length
          ? send({ type: 'dossier', id: ids[next++]! })
          : send({ type: 'stop' });
      worker.on('message', (message: ReconcileThreadMessage) => {
        if (message.type === 'failed') fail(errorFromThread(message.error));
        else if (message.type === 'ready') dispatch();
        else {
          results.set(message.result.id, message.result);
          options.onDossier?.(results.size, ids.length, message.result);
          dispatch();
        }
      });
      worker.on('error', (error: Error & { code?: string }) =>
        fail(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new CutoverError(
                ErrorCode.INTERNAL,
                `a reconcile thread ran out of memory (${error.message}): try fewer --threads`,
              )
            : error,
        ),
      );
      // A thread has closed its session (scratch file, target, state store) once it exits.
      worker.on('exit', (code) => {
        if (code !== 0)
          fail(new CutoverError(ErrorCode.INTERNAL, `a reconcile thread stopped with exit code ${code}`));
        if (--running > 0) return;
        if (failure !== undefined) reject(failure);
        else if (results.size !== ids.length)
          reject(
            new CutoverError(
              ErrorCode.INTERNAL,
              `the reconcile threads returned ${results.size} of ${ids.length} dossiers`,
            ),
          );
        else resolve();
      });
    }
  }).finally(() => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    removeFolders();
  });
  return summarizeReconciliation(ids.map((id) => results.get(id)!));
};

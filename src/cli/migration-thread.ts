/**
 * The thread that `cutover run` migrates in (see run-migration-thread.ts): opens the plan's session, runs the
 * migration, and posts its progress and summary, or its error, to the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isCutoverError, messageOf } from '../core/errors.js';
import { runMigration } from '../pipeline/run/run-migration.js';
import type { MigrationRequest, MigrationThreadMessage } from './run-migration-thread.js';
import { withSession } from './session.js';

const port = parentPort!;
const request = workerData as MigrationRequest;
const post = (message: MigrationThreadMessage) => port.postMessage(message);

try {
  const summary = await withSession(
    { plan: request.plan, state: request.state, target: !request.dryRun },
    (session) =>
      runMigration({
        loaded: session.loaded,
        state: session.state,
        target: session.target,
        ...(request.dossiers === undefined ? {} : { dossiers: request.dossiers }),
        onProgress: (progress) => post({ type: 'progress', progress }),
      }),
  );
  post({ type: 'summary', summary });
} catch (error) {
  post({
    type: 'failed',
    error: isCutoverError(error)
      ? { code: error.code, message: error.message, context: error.context }
      : { message: messageOf(error), stack: error instanceof Error ? error.stack : undefined },
  });
}

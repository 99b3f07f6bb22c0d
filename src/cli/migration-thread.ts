/**
 * The thread that `cutover run` migrates in (see run-migration-thread.ts): opens the plan's session, runs the
 * migration, and posts its progress and summary, or its error, to the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isCutoverError, messageOf } from '../core/errors.js';
import { migrate, type MigrationRequest, type MigrationThreadMessage } from './run-migration-thread.js';

const port = parentPort!;
const request = workerData as MigrationRequest;
const post = (message: MigrationThreadMessage) => port.postMessage(message);

try {
  const summary = await migrate(request, (progress) => post({ type: 'progress', progress }));
  post({ type: 'summary', summary });
} catch (error) {
  post({
    type: 'failed',
    error: isCutoverError(error)
      ? { code: error.code, message: error.message, context: error.context }
      : { message: messageOf(error), stack: error instanceof Error ? error.stack : undefined },
  });
}

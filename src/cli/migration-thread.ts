/**
 * The thread that `cutover run` migrates in (see run-migration-thread.ts): opens the plan's session, runs the
 * migration, and posts its progress and summary, or its error, to the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { migrate, type MigrationRequest, type MigrationThreadMessage } from './run-migration-thread.js';
import { threadErrorOf } from './thread-error.js';

const port = parentPort!;
const request = workerData as MigrationRequest;
const post = (message: MigrationThreadMessage) => port.postMessage(message);

try {
  const summary = await migrate(request, (progress) => post({ type: 'progress', progress }));
  post({ type: 'summary', summary });
} catch (error) {
  post({ type: 'failed', error: threadErrorOf(error) });
}

/**
 * A thread of `cutover reconcile` (see reconcile-threads.ts): opens the plan's session and a reconciler, then
 * reconciles each dossier it is sent and posts the result, until it is told to stop or fails.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReconciler } from '../pipeline/reconcile/reconcile.js';
import type {
  ReconcileThreadData,
  ReconcileThreadCommand,
  ReconcileThreadMessage,
} from './reconcile-threads.js';
import { withSession } from './session.js';
import { threadErrorOf } from './thread-error.js';

const port = parentPort!;
const request = workerData as ReconcileThreadData;
const post = (message: ReconcileThreadMessage) => port.postMessage(message);
const nextCommand = () => new Promise<ReconcileThreadCommand>((resolve) => port.once('message', resolve));

try {
  await withSession(
    { plan: request.plan, state: request.state, target: true, readsState: true, readsTarget: true },
    async (session) => {
      const reconciler = await openReconciler({
        loaded: session.loaded,
        state: session.state,
        target: session.target!,
        scratchDir: request.scratchDir,
      });
      try {
        post({ type: 'ready' });
        for (let command = await nextCommand(); command.type === 'dossier'; command = await nextCommand())
          post({ type: 'dossier', result: await reconciler.reconcileDossier(command.id) });
      } finally {
        reconciler.close();
      }
    },
  );
} catch (error) {
  post({ type: 'failed', error: threadErrorOf(error) });
}

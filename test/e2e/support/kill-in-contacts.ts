import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { finished, startCli, type CliResult } from './cli.js';

/** The contact checkpoint of a SQLite target, read while a command writes it (undefined while it cannot be opened). */
export const contactCheckpoint = (
  file: string,
): { runId: string; read: number; done: number } | undefined => {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db
      .prepare(
        "SELECT run_id AS runId, records_read AS read, done FROM _cutover_checkpoint WHERE entity = 'contact'",
      )
      .get() as { runId: string; read: number; done: number } | undefined;
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
};

/**
 * `cutover ...args` (a run or a replay), killed with SIGKILL once its contact load has committed 2,000 records and is
 * not done; with `after`, a load of another run than that one (a replay's, not the run's before it).
 */
export const killedInContacts = async (
  args: readonly string[],
  targetFile: string,
  after?: string,
): Promise<CliResult> => {
  const child = startCli(args);
  const done = finished(child);
  let exited = false;
  void done.then(() => (exited = true));
  const started = Date.now();
  while (!exited && Date.now() - started < 60_000) {
    const checkpoint = contactCheckpoint(targetFile);
    if (
      checkpoint !== undefined &&
      checkpoint.runId !== after &&
      checkpoint.done === 0 &&
      checkpoint.read >= 2000
    )
      break;
    await sleep(2);
  }
  child.kill('SIGKILL');
  return done;
};

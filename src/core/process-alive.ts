import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a process of this machine is still running: for scratch folders named after their owner's pid, which
 * only the owner may remove while it runs, and anyone once it is gone (killed with `kill -9`, nothing unwound).
 * A process of another user answers EPERM: it runs.
 */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the entries of `parent` whose name `named` matches with a `pid` group naming a process that is gone:
 * what a command killed midway left (reconcile scratch folders, evidence packs being written). Never this
 * process's own, never a running one's; a folder that cannot be listed is left alone.
 */
export const removeLeftoversOfGoneProcesses = (parent: string, named: RegExp): void => {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(named.exec(name)?.groups?.pid ?? Number.NaN);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isProcessAlive(pid))
      rmSync(join(parent, name), { recursive: true, force: true });
  }
};

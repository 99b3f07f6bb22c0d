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

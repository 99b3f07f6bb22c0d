/**
 * CPU time, beside wall time, for the bench's loads: what a load costs in processor seconds does not change when
 * the shared 2-core machine is busy with other work, and it says what two cores can at best give. A client's time
 * (cutover, psql, sqlite3, pgloader) is measured by /usr/bin/time, every thread of it counted; the PostgreSQL
 * server's by reading /proc: the server is the same machine's, run by its own processes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Processor seconds of one load: its client's, and the PostgreSQL server's when it took part. */
export interface CpuSeconds {
  readonly client: number;
  readonly server?: number;
}

const TIME = '/usr/bin/time';
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * A command wrapped so that its CPU time is written to a file: run `command` with `args`, then `read()` gives its
 * user + system seconds (undefined where /usr/bin/time is missing, and the command runs as it is).
 */
export const cpuTimed = (
  command: string,
  args: readonly string[],
): { command: string; args: string[]; read: () => number | undefined } => {
  if (!existsSync(TIME)) return { command, args: [...args], read: () => undefined };
  const folder = mkdtempSync(join(tmpdir(), 'cutover-bench-cpu-'));
  const output = join(folder, 'cpu');
  return {
    command: TIME,
    args: ['-f', '%U %S', '-o', output, command, ...args],
    read: () => {
      try {
        const [user = NaN, system = NaN] = readFileSync(output, 'utf8').trim().split(/\s+/).map(Number);
        return Number.isFinite(user + system) ? user + system : undefined;
      } catch {
        return undefined;
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
};

/** The fields of /proc/PID/stat after the command name (which may hold spaces), or undefined for a gone process. */
const statFields = (pid: string): { name: string; fields: string[] } | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    return { name: text.slice(open + 1, close), fields: text.slice(close + 2).split(' ') };
  } catch {
    return undefined;
  }
};

/**
 * Processor seconds the PostgreSQL server has used so far: each of its live processes' own (utime, stime) and what
 * each has gathered from its children that exited (cutime, cstime: the postmaster's holds every closed
 * connection's backend). Undefined where /proc shows no postgres process (a server on another machine).
 */
export const postgresCpuSeconds = (): number | undefined => {
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = statFields(pid);
    if (stat?.name !== 'postgres') continue;
    found = true;
    // After the name: state is field 3 of the file, so utime (14), stime, cutime, cstime are at 11 to 14 here.
    for (const index of [11, 12, 13, 14]) ticks += Number(stat.fields[index]) || 0;
  }
  return found ? ticks / ticksPerSecond : undefined;
};

/**
 * The server's seconds over some work: read before and after, once the backends of the work's connections have
 * exited and been collected by the postmaster (it does so at once; the pause makes sure).
 */
export const serverCpuOver = async <T>(work: () => Promise<T>): Promise<{ result: T; server?: number }> => {
  const before = postgresCpuSeconds();
  const result = await work();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = postgresCpuSeconds();
  return before === undefined || after === undefined
    ? { result }
    : { result, server: Number((after - before).toFixed(2)) };
};

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Runs the built CLI under /usr/bin/time (peak RSS) and returns its JSON result and the wall time. */
export const timedCutover = (
  args: readonly string[],
): Promise<{ seconds: number; json: unknown; peakRssMb: number | null; code: number }> =>
  new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const useTime = existsSync('/usr/bin/time');
    const command = useTime ? '/usr/bin/time' : process.execPath;
    const commandArgs = useTime
      ? ['-f', 'peak-rss-kb=%M', process.execPath, join(root, 'bin', 'cutover.js'), ...args]
      : [join(root, 'bin', 'cutover.js'), ...args];
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rss = /peak-rss-kb=(\d+)/.exec(stderr);
      try {
        done({
          seconds,
          json: JSON.parse(stdout) as unknown,
          peakRssMb: rss === null ? null : Math.round(Number(rss[1]) / 1024),
          code: code ?? -1,
        });
      } catch {
        fail(new Error(`cutover ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`));
      }
    });
  });

import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/errors.js';
import { systemErrorAsCutoverError } from '../../src/cli/system-error.js';
import { tempDir } from '../support/stores.js';

const failure = (call: () => Promise<unknown>): Promise<unknown> =>
  call().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

/** What the command line's top level says of a file-system failure no command turned into a CutoverError. */
describe('systemErrorAsCutoverError', () => {
  const dir = tempDir('cutover-cli-system-error-');
  const aFile = path.join(dir, 'afile');
  writeFileSync(aFile, 'a file');
  mkdirSync(path.join(dir, 'adir'));

  it('names the path and the part of it that is wrong, as an infrastructure failure (exit 4)', async () => {
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => writeFile(path.join(dir, 'nodir', 'p.yaml'), ''),
        `cannot open ${dir}/nodir/p.yaml: the folder ${dir}/nodir does not exist`,
      ],
      [() => mkdir(aFile), `cannot create the folder ${aFile}: ${aFile} is a file, not a folder`],
      [
        () => mkdir(path.join(aFile, 'ev', 'D0001'), { recursive: true }),
        `cannot create the folder ${aFile}/ev/D0001: ${aFile} is a file, not a folder`,
      ],
      [
        () => writeFile(path.join(aFile, 'x.txt'), ''),
        `cannot open ${aFile}/x.txt: ${aFile} is a file, not a folder`,
      ],
      [
        () => readFile(path.join(dir, 'missing.csv')),
        `cannot open ${dir}/missing.csv: no such file or folder`,
      ],
      [() => writeFile(path.join(dir, 'adir'), ''), `cannot open ${dir}/adir: it is a folder, not a file`],
    ];
    for (const [call, message] of cases) {
      const error = systemErrorAsCutoverError(await failure(call));
      expect(error?.code, message).toBe(ErrorCode.FILE_NOT_FOUND);
      expect(error?.message).toBe(message);
    }
  });

  it('leaves anything else alone: it stays an internal error, with its stack', () => {
    expect(systemErrorAsCutoverError(new Error('a bug'))).toBeUndefined();
    expect(
      systemErrorAsCutoverError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(systemErrorAsCutoverError('text')).toBeUndefined();
  });
});

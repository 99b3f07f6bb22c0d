import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFiles } from '../../../src/connectors/files/resolve-files.js';
import { CutoverError, ErrorCode } from '../../../src/core/errors.js';
import { makeTempDir, rejection, writeFixture } from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  for (const name of [
    'fec/acme/123456789FEC20231231.txt',
    'fec/acme/notes.txt',
    'fec/Boulangerie Paul/987654321FEC20231231.TXT',
    'fec/zeta/.hidden-FEC.txt',
    'exports/acme.csv',
    'exports/bakery.csv',
    'exports/readme.md',
    'exports/~$clients.xlsx',
    'exports/clients.xlsx',
    'one.csv',
  ]) {
    await writeFixture(dir, name, 'x');
  }
  await mkdir(path.join(dir, 'fec', 'empty'), { recursive: true });
  await mkdir(path.join(dir, 'folder.csv'), { recursive: true });
});
afterAll(() => cleanup());

const brief = (files: Awaited<ReturnType<typeof resolveFiles>>) =>
  files.map((file) => [file.relative, file.dossier]);

describe('resolveFiles', () => {
  it('takes {dossier} from a folder name and * within a file name, sorted, ignoring the case of names', async () => {
    const files = await resolveFiles(dir, 'fec/{dossier}/*FEC*.txt');
    expect(brief(files)).toEqual([
      ['fec/Boulangerie Paul/987654321FEC20231231.TXT', 'Boulangerie Paul'],
      ['fec/acme/123456789FEC20231231.txt', 'acme'],
    ]);
    expect(files[1]?.path).toBe(path.join(dir, 'fec/acme/123456789FEC20231231.txt'));
  });

  it("passes on each dossier's folder that holds files where none matches, with what it holds (hidden files left out)", async () => {
    const folders: unknown[] = [];
    // fec/empty holds nothing and fec/zeta a hidden file only: no export there to name.
    await resolveFiles(dir, 'fec/{dossier}/*FEC*.txt', (folder) => folders.push(folder));
    expect(folders).toEqual([]);
    const notes: unknown[] = [];
    await resolveFiles(dir, 'fec/{dossier}/*.md', (folder) => notes.push(folder));
    expect(notes).toEqual([
      { dossier: 'Boulangerie Paul', relative: 'fec/Boulangerie Paul', names: ['987654321FEC20231231.TXT'] },
      { dossier: 'acme', relative: 'fec/acme', names: ['123456789FEC20231231.txt', 'notes.txt'] },
    ]);
  });

  it('passes on no folder that holds folders only (cutover evidence/, a folder per dossier)', async () => {
    await writeFixture(dir, 'evidence-like/evidence/acme/evidence.html', 'x');
    await writeFixture(dir, 'evidence-like/acme/contacts.csv', 'x');
    const folders: unknown[] = [];
    const files = await resolveFiles(dir, 'evidence-like/{dossier}/contacts.csv', (folder) =>
      folders.push(folder),
    );
    expect(brief(files)).toEqual([['evidence-like/acme/contacts.csv', 'acme']]);
    expect(folders).toEqual([]);
  });

  it('passes on no folder when {dossier} is in the file name: a misnamed file there names no dossier', async () => {
    const folders: unknown[] = [];
    await resolveFiles(dir, 'exports/{dossier}.csv', (folder) => folders.push(folder));
    expect(folders).toEqual([]);
  });

  it('takes {dossier} from part of a file name', async () => {
    expect(brief(await resolveFiles(dir, 'exports/{dossier}.csv'))).toEqual([
      ['exports/acme.csv', 'acme'],
      ['exports/bakery.csv', 'bakery'],
    ]);
  });

  it('leaves out hidden files and Office lock files from wildcard matches', async () => {
    expect(brief(await resolveFiles(dir, 'exports/*.xlsx'))).toEqual([['exports/clients.xlsx', undefined]]);
    expect(brief(await resolveFiles(dir, 'fec/zeta/*'))).toEqual([]);
  });

  it('returns a literal path that exists, relative as written, with no dossier', async () => {
    expect(await resolveFiles(dir, './one.csv')).toEqual([
      { path: path.join(dir, 'one.csv'), relative: 'one.csv', dossier: undefined },
    ]);
  });

  it('keeps an absolute pattern absolute', async () => {
    const absolute = path.join(dir, 'exports', '*.csv');
    expect(brief(await resolveFiles('/elsewhere', absolute))).toEqual([
      [path.join(dir, 'exports/acme.csv'), undefined],
      [path.join(dir, 'exports/bakery.csv'), undefined],
    ]);
  });

  it('throws FILE_NOT_FOUND naming a literal file that is missing or is a folder', async () => {
    const missing = await rejection(resolveFiles(dir, 'exports/contacts.csv'));
    expect(missing).toBeInstanceOf(CutoverError);
    expect((missing as CutoverError).code).toBe(ErrorCode.FILE_NOT_FOUND);
    expect((missing as CutoverError).message).toBe('exports/contacts.csv: the file does not exist');
    const folder = await rejection(resolveFiles(dir, 'folder.csv'));
    expect((folder as CutoverError).code).toBe(ErrorCode.FILE_NOT_FOUND);
    expect((folder as CutoverError).message).toBe('folder.csv: the file is a directory');
  });

  it('returns no files for a wildcard pattern that matches nothing, even under a missing folder', async () => {
    expect(await resolveFiles(dir, 'exports/*.json')).toEqual([]);
    expect(await resolveFiles(dir, 'nowhere/{dossier}/*.csv')).toEqual([]);
    expect(await resolveFiles(dir, 'fec/{dossier}/*.csv')).toEqual([]);
  });

  it('refuses a pattern with two {dossier} placeholders', async () => {
    const error = await rejection(resolveFiles(dir, '{dossier}/{dossier}.csv'));
    expect((error as CutoverError).code).toBe(ErrorCode.PLAN_INVALID);
  });
});

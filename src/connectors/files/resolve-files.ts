import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { fileError } from './file-error.js';

export interface ResolvedFile {
  /** Absolute path, for opening. */
  readonly path: string;
  /** The path as the user would write it: relative to the base folder (or absolute when the pattern is). */
  readonly relative: string;
  /** What `{dossier}` matched, when the pattern has it. */
  readonly dossier: string | undefined;
  /** A folder of the dossier that could not be listed (no permission): reading it fails with this error. */
  readonly unreadable?: unknown;
}

const DOSSIER = '{dossier}';

/** A dossier's folder that the pattern's `{dossier}` matched, where no file matches the rest of the pattern. */
export interface FolderWithoutFile {
  readonly dossier: string;
  /** The folder, as the user would write it. */
  readonly relative: string;
  /** What the folder holds (hidden and lock files left out), sorted: the misnamed export, most often. */
  readonly names: readonly string[];
}

/** One segment of the pattern: a name to take as it is, or a test on the names of a folder's entries. */
type Segment =
  | { readonly kind: 'literal'; readonly name: string }
  | {
      readonly kind: 'wildcard';
      readonly text: string;
      readonly regex: RegExp;
      readonly hasDossier: boolean;
    };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `*` is any run of characters within one segment; `{dossier}` is a non-empty run, captured, as short as the rest
 * of the segment allows (`{dossier}_*.csv` on `acme_2024_01.csv` gives `acme`). Matching ignores case: exports
 * from Windows software name the same kind of file `.txt` or `.TXT`.
 */
const compileSegment = (text: string): Segment => {
  if (!text.includes('*') && !text.includes(DOSSIER)) return { kind: 'literal', name: text };
  const source = text
    .split(DOSSIER)
    .map((part) => part.split('*').map(escapeRegex).join('.*'))
    .join('(.+?)');
  return {
    kind: 'wildcard',
    text,
    regex: new RegExp(`^${source}$`, 'is'),
    hasDossier: text.includes(DOSSIER),
  };
};

/**
 * Left out of wildcard matches: hidden files (`.DS_Store`) and the lock files Office writes next to an open
 * document (`~$clients.xlsx`, a few bytes that are not a workbook); a pattern naming one literally still gets it.
 */
const isHiddenOrLock = (name: string): boolean => name.startsWith('.') || name.startsWith('~$');

const toPosix = (text: string): string => text.split(path.sep).join('/');

/**
 * The files a plan's `path` names, sorted, with what `{dossier}` matched in each. A pattern without wildcards
 * must name an existing file (FILE_NOT_FOUND otherwise); a pattern with wildcards may match nothing. When
 * `{dossier}` names a folder, each dossier's folder that holds files, none of which matches, is passed to
 * `onFolderWithoutFile`: a client's export saved under another name (`D3/export_2023.csv` for
 * `{dossier}/contacts.csv`) would otherwise make no dossier and no record, and nothing would say so.
 */
export const resolveFiles = async (
  baseDir: string,
  pattern: string,
  onFolderWithoutFile?: (folder: FolderWithoutFile) => void,
): Promise<ResolvedFile[]> => {
  const occurrences = pattern.split(DOSSIER).length - 1;
  if (occurrences > 1) {
    throw new CutoverError(
      ErrorCode.PLAN_INVALID,
      `path "${pattern}" has ${occurrences} {dossier} placeholders; at most one is allowed`,
      {
        context: { path: pattern },
      },
    );
  }
  const absolutePattern = path.isAbsolute(pattern);
  const root = absolutePattern ? path.parse(pattern).root : path.resolve(baseDir);
  const segments = (absolutePattern ? pattern.slice(root.length) : pattern)
    .split(/[\\/]+/)
    .filter((segment) => segment !== '' && segment !== '.')
    .map(compileSegment);
  const relativeOf = (absolute: string): string =>
    absolutePattern ? absolute : toPosix(path.relative(path.resolve(baseDir), absolute));

  if (segments.every((segment) => segment.kind === 'literal')) {
    const absolute = path.resolve(
      root,
      ...segments.map((segment) => (segment.kind === 'literal' ? segment.name : '')),
    );
    const relative = relativeOf(absolute);
    try {
      const stats = await stat(absolute);
      if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    } catch (error) {
      throw fileError(error, relative);
    }
    return [{ path: absolute, relative, dossier: undefined }];
  }

  const found: ResolvedFile[] = [];
  const withoutFile = new Map<string, FolderWithoutFile>();
  const walk = async (directory: string, index: number, dossier: string | undefined): Promise<void> => {
    const segment = segments[index];
    if (segment === undefined) return;
    const last = index === segments.length - 1;
    if (segment.kind === 'literal') {
      const next = path.join(directory, segment.name);
      if (!last) return walk(next, index + 1, dossier);
      if (await isKind(next, 'file')) found.push({ path: next, relative: relativeOf(next), dossier });
      return;
    }
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      // A folder that is not there matches nothing, like a name that is not there. One that is there but cannot be
      // listed is no empty dossier: its files are unknown, so reading the dossier fails (and says why), never loads
      // nothing in silence.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      if (dossier === undefined) throw fileError(error, relativeOf(directory));
      found.push({ path: directory, relative: relativeOf(directory), dossier, unreadable: error });
      return;
    }
    for (const name of names) {
      if (isHiddenOrLock(name)) continue;
      const match = segment.regex.exec(name);
      if (match === null) continue;
      const captured = segment.hasDossier ? match[1] : dossier;
      const next = path.join(directory, name);
      if (last) {
        if (await isKind(next, 'file'))
          found.push({ path: next, relative: relativeOf(next), dossier: captured });
      } else if (await isKind(next, 'directory')) {
        const before = found.length;
        await walk(next, index + 1, captured);
        if (
          segment.hasDossier &&
          captured !== undefined &&
          found.length === before &&
          !withoutFile.has(captured)
        ) {
          const folder = await folderWithoutFile(next, captured, relativeOf(next));
          if (folder !== undefined) withoutFile.set(captured, folder);
        }
      }
    }
  };
  await walk(root, 0, undefined);
  if (onFolderWithoutFile !== undefined) {
    // A dossier whose files lie in another folder the pattern matches (`{dossier}*/` on `D3` and `D3-old`) has input.
    const withFile = new Set(found.map((file) => file.dossier));
    const folders = [...withoutFile.values()].filter((folder) => !withFile.has(folder.dossier));
    for (const folder of folders.sort(byRelative)) onFolderWithoutFile(folder);
  }
  return found.sort(byRelative);
};

/**
 * A dossier's folder where no file matched, when it holds a file of its own (hidden and lock files aside): a client's
 * export under another name. A folder of folders only is not taken for one: cutover's own `evidence/` (a folder per
 * dossier) beside the dossiers' folders, or an export nested a level deeper, which the pattern does not reach.
 */
const folderWithoutFile = async (
  folder: string,
  dossier: string,
  relative: string,
): Promise<FolderWithoutFile | undefined> => {
  const entries = (await readdir(folder, { withFileTypes: true }).catch(() => [])).filter(
    (entry) => !isHiddenOrLock(entry.name),
  );
  let holdsFile = false;
  for (const entry of entries) {
    if (entry.isFile() || (entry.isSymbolicLink() && (await isKind(path.join(folder, entry.name), 'file')))) {
      holdsFile = true;
      break;
    }
  }
  if (!holdsFile) return undefined;
  return { dossier, relative, names: entries.map((entry) => entry.name).sort() };
};

/** Code-unit order, not locale order: the same list on every machine, so runs and resumes see files alike. */
const byRelative = (a: { relative: string }, b: { relative: string }): number =>
  a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0;

/** Follows links: a linked folder of exports is as good as a real one. */
const isKind = async (target: string, kind: 'file' | 'directory'): Promise<boolean> => {
  try {
    const stats = await stat(target);
    return kind === 'file' ? stats.isFile() : stats.isDirectory();
  } catch {
    return false;
  }
};

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { generatePortfolio, type PortfolioSummary } from '../../src/generator/generate-portfolio.js';
import type { Manifest } from '../../src/generator/manifest.js';

/** Reading a generated portfolio back, as the tests of the generator need it. */

export interface GeneratedPortfolio {
  readonly dir: string;
  readonly summary: PortfolioSummary;
}

const temporaryFolders: string[] = [];

/** A new empty folder under the system's temporary folder, removed by `removeTemporaryFolders`. */
export const temporaryFolder = async (): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cutover-generator-'));
  temporaryFolders.push(dir);
  return dir;
};

export const removeTemporaryFolders = async (): Promise<void> => {
  for (const dir of temporaryFolders.splice(0)) await rm(dir, { recursive: true, force: true });
};

export const generateInTemp = async (
  dossiers: number,
  seed: number,
  crm = true,
): Promise<GeneratedPortfolio> => {
  const dir = await temporaryFolder();
  const summary = await generatePortfolio({ dossiers, seed, outDir: dir, crm });
  return { dir, summary };
};

const listFiles = async (dir: string, prefix = ''): Promise<string[]> => {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (entry) =>
      entry.isDirectory()
        ? listFiles(dir, path.posix.join(prefix, entry.name))
        : [path.posix.join(prefix, entry.name)],
    ),
  );
  return files.flat().sort();
};

/** SHA-256 of every file under `dir`, by relative path. */
export const hashTree = async (dir: string): Promise<Map<string, string>> => {
  const hashes = new Map<string, string>();
  for (const file of await listFiles(dir)) {
    hashes.set(
      file,
      createHash('sha256')
        .update(await readFile(path.join(dir, file)))
        .digest('hex'),
    );
  }
  return hashes;
};

export const readManifest = async (dir: string): Promise<Manifest> =>
  JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** A text file's physical lines (1-based line N is element N - 1), line ends removed. */
export const physicalLinesOf = (text: string): string[] => text.split(/\r?\n/);

export const readText = async (dir: string, file: string): Promise<string> => {
  const bytes = await readFile(path.join(dir, file));
  return file === 'crm/contacts.csv' ? iconv.decode(bytes, 'win1252') : bytes.toString('utf8');
};

/** Rows of a delimited file as objects keyed by header. */
export const parseDelimited = (text: string, delimiter: string): Record<string, string>[] => {
  const parsed = Papa.parse<Record<string, string>>(text, {
    delimiter,
    header: true,
    skipEmptyLines: true,
  });
  if (parsed.errors.length > 0) throw new Error(`CSV errors: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  return parsed.data;
};

export interface FecLine {
  /** Physical 1-based line in the file. */
  readonly line: number;
  readonly fields: Record<string, string>;
}

/** A FEC's lines, split on tabs and keyed by the header. */
export const readFec = async (dir: string, file: string): Promise<{ header: string[]; lines: FecLine[] }> => {
  const text = await readFile(path.join(dir, file), 'utf8');
  const [headerLine = '', ...rest] = text.split('\r\n');
  const header = headerLine.split('\t');
  const lines = rest
    .filter((line) => line !== '')
    .map((line, index) => {
      const values = line.split('\t');
      return {
        line: index + 2,
        fields: Object.fromEntries(header.map((name, column) => [name, values[column] ?? ''])),
      };
    });
  return { header, lines };
};

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CutoverError, ErrorCode } from '../core/errors.js';
import { planDossiers, registryColumns, registryRow, type DossierProfile } from './dossier-profiles.js';
import { csvRow } from './csv-row.js';
import {
  addCounts,
  type ClientLink,
  type Defect,
  type EntityCounts,
  type LinkMember,
  type Manifest,
} from './manifest.js';
import { portfolioPlan } from './portfolio-plan.js';
import { createRandom, itemAt, type Random } from './random.js';
import { openTextSink } from './text-sink.js';
import { writeCrm } from './write-crm.js';
import { writeFec, type FecResult } from './write-fec.js';

export interface GeneratePortfolioOptions {
  readonly dossiers: number;
  readonly seed: number;
  readonly outDir: string;
  /** Also write the legacy CRM export under crm/ (default true). */
  readonly crm?: boolean;
}

export interface PortfolioSummary {
  readonly outDir: string;
  /** Files written, relative to outDir, in the order they were written. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** Source records per entity (what the plan reads), all dossiers together. */
  readonly counts: EntityCounts;
  readonly fecLines: number;
  /** FEC lines of the smallest, median and largest dossier: how the sizes spread. */
  readonly dossierLines: { readonly min: number; readonly median: number; readonly max: number };
  readonly defects: number;
  readonly defectsByKind: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
}

/** What a generated portfolio folder holds: removed before writing again, so no stale dossier survives. */
const generatedPaths = ['registry.csv', 'fec', 'crm', 'manifest.json', 'cutover.yaml'];

const MAX_DOSSIERS = 100_000;
const FEC_CONCURRENCY = 4;

/**
 * Writing into a folder of someone else's files could mix them with the portfolio (a stale FEC would be
 * migrated too): the folder must be empty, missing, or a portfolio generated earlier, whose files are replaced.
 */
const prepareFolder = async (outDir: string): Promise<void> => {
  await mkdir(outDir, { recursive: true });
  const names = await readdir(outDir);
  if (names.length === 0) return;
  if (!names.includes('manifest.json')) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `${outDir} is not empty and holds no generated portfolio (no manifest.json); choose another folder`,
      { context: { folder: outDir } },
    );
  }
  for (const name of generatedPaths) await rm(path.join(outDir, name), { recursive: true, force: true });
};

/**
 * Clients of one firm often trade with each other (the baker buys from the miller, both keep their books at the
 * firm): about half the dossiers get one or two others as a customer or supplier. A stream of its own, so the
 * dossiers themselves are drawn as before.
 */
const withTradingPartners = (random: Random, profiles: readonly DossierProfile[]): DossierProfile[] =>
  profiles.map((profile, index) => {
    if (profiles.length < 2) return profile;
    const count = random.weighted([
      [0, 45],
      [1, 40],
      [2, 15],
    ] as const);
    const partners = new Map<string, string>();
    for (let drawn = 0; drawn < count; drawn++) {
      const other = itemAt(profiles, (index + random.int(1, profiles.length - 1)) % profiles.length);
      partners.set(other.id, other.clientName);
    }
    return { ...profile, tradingPartners: [...partners].map(([dossier, name]) => ({ dossier, name })) };
  });

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

/**
 * Writes a synthetic portfolio as a real legacy export looks: registry.csv, one FEC per dossier, optionally a
 * CRM export, the plan that migrates it (cutover.yaml) and manifest.json, the list of every injected defect
 * with the fate the plan must give it. The same seed writes byte-identical files; files are streamed, so a
 * large dossier never sits in memory.
 */
export const generatePortfolio = async (options: GeneratePortfolioOptions): Promise<PortfolioSummary> => {
  const startedAt = performance.now();
  const { dossiers, seed, outDir } = options;
  const withCrm = options.crm ?? true;
  if (!Number.isInteger(dossiers) || dossiers < 0 || dossiers > MAX_DOSSIERS) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `--dossiers must be a whole number from 0 to ${MAX_DOSSIERS}, got ${dossiers}`,
    );
  }
  const random = createRandom(seed, 'portfolio');
  await prepareFolder(outDir);

  const files: string[] = [];
  let bytes = 0;
  const counts: EntityCounts = {};
  const countsByDossier: Record<string, EntityCounts> = {};
  const defects: Defect[] = [];

  const profiles = withTradingPartners(
    random.fork('trading-partners'),
    planDossiers(random.fork('dossiers'), dossiers),
  );
  const registry = openTextSink(path.join(outDir, 'registry.csv'));
  await registry.write(csvRow(registryColumns, ',', '\n'));
  for (const profile of profiles) await registry.write(registryRow(profile));
  bytes += await registry.close();
  files.push('registry.csv');

  // A few dossiers at a time, so that one's file I/O overlaps another's simulation. Each dossier draws from its
  // own random stream and writes its own file, so the order of work changes no byte.
  const results: FecResult[] = new Array<FecResult>(profiles.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < profiles.length; index = next++) {
      const profile = itemAt(profiles, index);
      results[index] = await writeFec(profile, random.fork(`fec/${profile.id}`), outDir);
    }
  };
  await Promise.all(Array.from({ length: FEC_CONCURRENCY }, worker));
  const lines: number[] = [];
  profiles.forEach((profile, index) => {
    const fec = itemAt(results, index);
    files.push(fec.file);
    bytes += fec.bytes;
    lines.push(fec.lines);
    countsByDossier[profile.id] = fec.counts;
    addCounts(counts, fec.counts);
    defects.push(...fec.defects);
  });

  const members = new Map<string, LinkMember[]>(
    profiles.map((profile) => [profile.id, [{ entity: 'dossier', dossier: profile.id, key: profile.id }]]),
  );
  profiles.forEach((profile, index) => {
    for (const partner of itemAt(results, index).partners) {
      members.get(partner.client)?.push({ entity: 'third_party', dossier: profile.id, key: partner.key });
    }
  });

  if (withCrm) {
    const crm = await writeCrm(random.fork('crm'), outDir, profiles);
    for (const row of crm.clientRows)
      members.get(row.dossier)?.push({ entity: 'company', dossier: 'crm', key: row.key });
    for (const file of crm.files) {
      files.push(file.file);
      bytes += file.bytes;
    }
    countsByDossier.crm = crm.counts;
    addCounts(counts, crm.counts);
    defects.push(...crm.defects);
  }

  const links: ClientLink[] = profiles.map((profile) => ({
    client: profile.id,
    siren: profile.siren,
    members: members.get(profile.id) ?? [],
  }));
  const manifest: Manifest = { seed, dossiers, counts, countsByDossier, defects, links };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(path.join(outDir, 'manifest.json'), manifestText);
  const planText = portfolioPlan({ crm: withCrm });
  await writeFile(path.join(outDir, 'cutover.yaml'), planText);
  files.push('manifest.json', 'cutover.yaml');
  bytes += Buffer.byteLength(manifestText) + Buffer.byteLength(planText);

  const defectsByKind: Record<string, number> = {};
  for (const defect of defects) defectsByKind[defect.kind] = (defectsByKind[defect.kind] ?? 0) + 1;
  return {
    outDir,
    files,
    bytes,
    counts,
    fecLines: lines.reduce((sum, count) => sum + count, 0),
    dossierLines: {
      min: lines.reduce((least, count) => Math.min(least, count), lines[0] ?? 0),
      median: median(lines),
      max: lines.reduce((most, count) => Math.max(most, count), 0),
    },
    defects: defects.length,
    defectsByKind,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
};

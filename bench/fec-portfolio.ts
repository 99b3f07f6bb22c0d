/**
 * A generated accounting portfolio (default 1,000 dossiers, one FEC each) migrated and reconciled end to end by the
 * built CLI, as a firm would run it: `cutover run` into the embedded SQLite target, then `cutover reconcile` (source
 * read again, trial balances proven). Reports dossiers per minute and FEC lines per second for each step.
 *
 * Run alone: `npx tsx bench/fec-portfolio.ts [--dossiers N]`; `npm run bench` runs it too (`--fec-dossiers N`, 0 skips).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { generatePortfolio } from '../src/generator/generate-portfolio.js';
import { timedCutover as timed } from './timed-cutover.js';

const root = resolve(import.meta.dirname, '..');
const resultsDir = join(root, 'bench', 'results');

export interface StepMeasure {
  readonly seconds: number;
  readonly dossiersPerMinute: number;
  readonly linesPerSecond: number;
  readonly peakRssMb: number | null;
  readonly exitCode: number;
}

export interface FecPortfolioResult {
  readonly date: string;
  readonly cpus: number;
  readonly dossiers: number;
  readonly fecLines: number;
  readonly fecBytes: number;
  readonly run: StepMeasure;
  readonly reconcile: StepMeasure & { readonly dossiersProven: number; readonly unaccounted: number };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

export const benchFecPortfolio = async (dossiers: number): Promise<FecPortfolioResult> => {
  const folder = join(root, 'bench', 'data', `fec-portfolio-${dossiers}`);
  const marker = join(folder, 'generated.json');
  if (!existsSync(marker)) {
    log(`generating a portfolio of ${dossiers.toLocaleString('en-US')} FEC dossiers -> ${folder}`);
    rmSync(folder, { recursive: true, force: true });
    const summary = await generatePortfolio({ dossiers, seed: 2026, outDir: folder, crm: false });
    writeFileSync(marker, JSON.stringify({ bytes: summary.bytes }));
  }
  const fecBytes = (JSON.parse(readFileSync(marker, 'utf8')) as { bytes: number }).bytes;
  // A fresh target and state each time: the run measured is a first migration, not a resumed one.
  rmSync(join(folder, 'target.db'), { force: true });
  rmSync(join(folder, '.cutover'), { recursive: true, force: true });
  const plan = join(folder, 'cutover.yaml');

  log(`cutover run: ${dossiers} FEC dossiers -> SQLite ...`);
  const run = await timed(['run', '--plan', plan, '--json']);
  const runJson = run.json as { entities: { entry_line?: { recordsRead: number } } };
  const fecLines = runJson.entities.entry_line?.recordsRead ?? 0;
  log(`  ${run.seconds.toFixed(1)} s, ${Math.round(fecLines / run.seconds).toLocaleString('en-US')} lines/s`);

  log('cutover reconcile ...');
  const reconcile = await timed(['reconcile', '--plan', plan, '--json']);
  const reconcileJson = reconcile.json as { totals: { dossiersOk: number; unaccounted: number } };
  log(`  ${reconcile.seconds.toFixed(1)} s, ${reconcileJson.totals.dossiersOk}/${dossiers} dossiers proven`);

  const measure = (step: typeof run): StepMeasure => ({
    seconds: Number(step.seconds.toFixed(2)),
    dossiersPerMinute: Math.round((dossiers / step.seconds) * 60),
    linesPerSecond: Math.round(fecLines / step.seconds),
    peakRssMb: step.peakRssMb,
    exitCode: step.code,
  });
  const result: FecPortfolioResult = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    dossiers,
    fecLines,
    fecBytes,
    run: measure(run),
    reconcile: {
      ...measure(reconcile),
      dossiersProven: reconcileJson.totals.dossiersOk,
      unaccounted: reconcileJson.totals.unaccounted,
    },
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'fec-portfolio.json'), `${JSON.stringify(result, null, 2)}\n`);
  updateReadme(result);
  return result;
};

const updateReadme = (result: FecPortfolioResult) => {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:fec-portfolio:start -->';
  const end = '<!-- bench:fec-portfolio:end -->';
  if (!text.includes(start) || !text.includes(end)) return;
  const row = (name: string, step: StepMeasure) =>
    `| ${name} | ${step.seconds.toFixed(1)} | ${step.dossiersPerMinute.toLocaleString('en-US')} | ${step.linesPerSecond.toLocaleString('en-US')} | ${step.peakRssMb ?? 'n/a'} |`;
  const table = [
    `Measured ${result.date.slice(0, 10)} on ${result.cpus} cores (\`npm run bench\`; raw figures in \`bench/results/fec-portfolio.json\`): ${result.dossiers.toLocaleString('en-US')} generated dossiers, ${result.fecLines.toLocaleString('en-US')} FEC lines (${Math.round(result.fecBytes / 2 ** 20)} MB).`,
    '',
    '| step | seconds | dossiers/min | FEC lines/s | peak RSS (MB) |',
    '|---|---:|---:|---:|---:|',
    row('`cutover run` → SQLite target', result.run),
    row('`cutover reconcile` (source re-read, accounting proof)', result.reconcile),
    '',
    `${result.reconcile.dossiersProven} of ${result.dossiers} dossiers proven; ${result.reconcile.unaccounted} records unaccounted.`,
  ].join('\n');
  writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const index = process.argv.indexOf('--dossiers');
  const dossiers = index === -1 ? 1000 : Number(process.argv[index + 1]);
  process.stdout.write(`${JSON.stringify(await benchFecPortfolio(dossiers), null, 2)}\n`);
}

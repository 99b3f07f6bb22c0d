/**
 * Speed of FEC reading + validation on one core: writes a large realistic FEC once (balanced entries of 2 to 6
 * lines on a French chart of accounts, decimal comma, numbering per journal, lettering, validation dates), then
 * times `validateFecGroup` over it and records lines/s and peak RSS in bench/results/fec-validate.json.
 *
 * Run alone: `npx tsx bench/fec-validate.ts [--fec-lines N]`; `npm run bench` runs it after the contacts bench.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fecGroups, validateFecGroup } from '../src/connectors/files/validate-fec-files.js';
import { FEC_STANDARD_COLUMNS } from '../src/domains/accounting/fec-columns.js';

const root = resolve(import.meta.dirname, '..');

/** mulberry32: small, fast, and the same file for the same seed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

type Account = readonly [number: string, label: string];

const ACCOUNTS: Record<'purchase' | 'sale' | 'payroll', readonly Account[]> &
  Record<'vatDeductible' | 'vatCollected' | 'supplier' | 'customer' | 'bank', Account> = {
  purchase: [
    ['601000', 'Achats stockés - matières premières'],
    ['606100', 'Fournitures non stockables (eau, énergie)'],
    ['606400', 'Fournitures administratives'],
    ['607000', 'Achats de marchandises'],
    ['613200', 'Locations immobilières'],
    ['622600', 'Honoraires'],
    ['625100', 'Voyages et déplacements'],
    ['626000', 'Frais postaux et de télécommunications'],
  ],
  sale: [
    ['701000', 'Ventes de produits finis'],
    ['706000', 'Prestations de services'],
    ['707000', 'Ventes de marchandises'],
  ],
  vatDeductible: ['445660', 'TVA déductible sur autres biens et services'],
  vatCollected: ['445710', 'TVA collectée'],
  supplier: ['401000', 'Fournisseurs'],
  customer: ['411000', 'Clients'],
  bank: ['512000', 'Banque'],
  payroll: [
    ['641000', 'Rémunérations du personnel'],
    ['645100', 'Cotisations à l’URSSAF'],
    ['421000', 'Personnel - rémunérations dues'],
    ['431000', 'Sécurité sociale'],
  ],
};

const JOURNALS = [
  ['ACH', 'Achats'],
  ['VTE', 'Ventes'],
  ['BQ', 'Banque'],
  ['OD', 'Opérations diverses'],
] as const;

const cents = (value: number) => {
  const text = String(value);
  const padded = text.padStart(3, '0');
  return `${padded.slice(0, -2)},${padded.slice(-2)}`;
};

const ymd = (dayOfYear: number) => {
  const date = new Date(Date.UTC(2023, 0, 1 + dayOfYear));
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`;
};

/**
 * Writes `lines` data lines (give or take the last entry) in 4 MiB writes. Entries: purchases and sales (2 to 6
 * lines with VAT), bank settlements lettered against their account, payroll; numbered per journal.
 */
export const writeBenchFec = (path: string, lines: number, seed = 7): void => {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const temp = `${path}.part`;
  const fd = openSync(temp, 'w');
  let buffer = `${FEC_STANDARD_COLUMNS.join('\t')}\r\n`;
  const numbers = new Map<string, number>();
  let written = 0;
  let letter = 0;
  const lettering = () => {
    letter += 1;
    let code = '';
    for (let value = letter; value > 0; value = Math.floor(value / 26))
      code = String.fromCharCode(65 + (value % 26)) + code;
    return code;
  };
  const day = () => Math.min(364, Math.floor((written / lines) * 365));
  while (written < lines) {
    const journal = written === 0 ? (['AN', 'A nouveaux'] as const) : pick(JOURNALS);
    const number = (numbers.get(journal[0]) ?? 0) + 1;
    numbers.set(journal[0], number);
    const date = written === 0 ? '20230101' : ymd(day());
    const valid = ymd(Math.min(364, day() + 3));
    const piece = `${journal[0]}${String(number).padStart(6, '0')}`;
    const rows: [
      account: string,
      label: string,
      aux: string,
      auxLabel: string,
      debit: number,
      credit: number,
      letter: string,
    ][] = [];
    const kind = journal[0];
    if (kind === 'ACH' || kind === 'VTE' || kind === 'AN') {
      const purchase = kind !== 'VTE';
      const count = 1 + Math.floor(next() * 4);
      let total = 0;
      for (let index = 0; index < count; index += 1) {
        const amount = 100 + Math.floor(next() * 500_000);
        const [account, label] = pick(purchase ? ACCOUNTS.purchase : ACCOUNTS.sale);
        rows.push([account, label, '', '', purchase ? amount : 0, purchase ? 0 : amount, '']);
        total += amount;
      }
      if (count < 4) {
        const vat = Math.round(total * 0.2);
        const [account, label] = purchase ? ACCOUNTS.vatDeductible : ACCOUNTS.vatCollected;
        rows.push([account, label, '', '', purchase ? vat : 0, purchase ? 0 : vat, '']);
        total += vat;
      }
      const third = purchase ? ACCOUNTS.supplier : ACCOUNTS.customer;
      const aux = `${purchase ? 'F' : 'C'}${String(Math.floor(next() * 900) + 100)}`;
      rows.push([third[0], third[1], aux, `Tiers ${aux}`, purchase ? 0 : total, purchase ? total : 0, '']);
    } else if (kind === 'BQ') {
      const amount = 100 + Math.floor(next() * 1_000_000);
      const customer = next() < 0.5;
      const third = customer ? ACCOUNTS.customer : ACCOUNTS.supplier;
      const aux = `${customer ? 'C' : 'F'}${String(Math.floor(next() * 900) + 100)}`;
      // A settlement lettered alone does not net to zero: like partial lettering in real books, now and then.
      const code = next() < 0.1 ? lettering() : '';
      rows.push([
        third[0],
        third[1],
        aux,
        `Tiers ${aux}`,
        customer ? 0 : amount,
        customer ? amount : 0,
        code,
      ]);
      rows.push([
        ACCOUNTS.bank[0],
        ACCOUNTS.bank[1],
        '',
        '',
        customer ? amount : 0,
        customer ? 0 : amount,
        '',
      ]);
    } else {
      const gross = 150_000 + Math.floor(next() * 400_000);
      const social = Math.round(gross * 0.22);
      const [wages, charges, due, urssaf] = ACCOUNTS.payroll as [Account, Account, Account, Account];
      rows.push([wages[0], wages[1], '', '', gross, 0, '']);
      rows.push([charges[0], charges[1], '', '', social, 0, '']);
      rows.push([due[0], due[1], '', '', 0, gross - social, '']);
      rows.push([urssaf[0], urssaf[1], '', '', 0, social * 2, '']);
    }
    for (const [account, label, aux, auxLabel, debit, credit, code] of rows) {
      buffer += `${journal[0]}\t${journal[1]}\t${number}\t${date}\t${account}\t${label}\t${aux}\t${auxLabel}\t${piece}\t${date}\tPièce ${piece}\t${cents(debit)}\t${cents(credit)}\t${code}\t${code === '' ? '' : date}\t${valid}\t\t\r\n`;
      written += 1;
    }
    if (buffer.length > 4_000_000) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
  renameSync(temp, path);
};

export interface FecBenchResult {
  readonly date: string;
  readonly machine: Record<string, unknown>;
  readonly file: { readonly lines: number; readonly bytes: number };
  readonly seconds: number;
  readonly linesPerSecond: number;
  /**
   * Lines per second of CPU time (user + system, garbage-collection threads included): the figure to read when
   * other work shares the machine, as `loadAverage` then shows.
   */
  readonly linesPerCpuSecond: number;
  readonly loadAverage: number;
  readonly megabytesPerSecond: number;
  readonly peakRssMb: number;
  readonly entries: number;
  readonly balanced: boolean;
  readonly findings: Record<string, number>;
}

/** Writes the FEC if absent, validates it once and records the figures. */
export const benchFecValidate = async (
  options: { lines?: number; folder?: string; resultsFolder?: string; log?: (line: string) => void } = {},
): Promise<FecBenchResult> => {
  const lines = options.lines ?? 5_000_000;
  const folder = options.folder ?? join(root, 'bench', 'data');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(folder, { recursive: true });
  // A real SIREN (Luhn-valid) and a closing date that fits the generated year.
  const file = join(folder, `bench-${lines}`, '443061841FEC20231231.txt');
  if (!existsSync(file)) {
    mkdirSync(join(folder, `bench-${lines}`), { recursive: true });
    log(`writing a ${lines.toLocaleString('en-US')}-line FEC -> ${file}`);
    writeBenchFec(file, lines);
  }
  const bytes = statSync(file).size;
  const [group] = fecGroups([file]);
  if (group === undefined) throw new Error('no FEC to validate');
  log('fec validate (read + validate, one core) ...');
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const report = await validateFecGroup(group);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result: FecBenchResult = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    file: { lines: report.summary.lines, bytes },
    seconds: Number(seconds.toFixed(2)),
    linesPerSecond: Math.round(report.summary.lines / seconds),
    linesPerCpuSecond: Math.round(report.summary.lines / cpuSeconds),
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(1)),
    megabytesPerSecond: Number((bytes / 2 ** 20 / seconds).toFixed(1)),
    // maxRSS is in KiB; it covers this process's whole life, the writing of the file included.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    entries: report.summary.entries,
    balanced: report.summary.balanced,
    findings: Object.fromEntries(report.findings.map((finding) => [finding.code, finding.count])),
  };
  log(
    `  ${result.linesPerSecond.toLocaleString('en-US')} lines/s (${result.linesPerCpuSecond.toLocaleString('en-US')} per CPU second; load ${result.loadAverage}), peak RSS ${result.peakRssMb} MB`,
  );
  const resultsFolder = options.resultsFolder ?? join(root, 'bench', 'results');
  mkdirSync(resultsFolder, { recursive: true });
  writeFileSync(join(resultsFolder, 'fec-validate.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const index = process.argv.indexOf('--fec-lines');
  const result = await benchFecValidate(index === -1 ? {} : { lines: Number(process.argv[index + 1]) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/**
 * `npm run bench`: end-to-end speed of `cutover run` on generated contacts, into the SQLite target and the
 * PostgreSQL target, with the databases' own bulk loads of the same file as references in the same run (the sqlite3
 * shell's .import, psql's \copy); then peak memory on a larger file. Results go to bench/results/ and to the
 * README's table.
 *
 * Options: --rows N (default 1,000,000), --repeat N (each 1M measure taken N times, median reported; default 3),
 * --rss-rows N (default 5,000,000; 0 skips), --skip-postgres.
 * Then FEC reading + validation (bench/fec-validate.ts, in its own process so that its peak RSS is its own):
 * --fec-lines N (default 5,000,000), --skip-fec. Then a generated FEC portfolio migrated and reconciled end to
 * end (bench/fec-portfolio.ts): --fec-dossiers N (default 1,000; 0 skips). Then deduplication quality on the public
 * data sets and speed on 1M generated contacts (bench/dedupe.ts, its own process): --skip-dedupe. Then linking
 * across systems on generated portfolios (bench/link.ts, its own process): --skip-link.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { benchmarkContactColumns, writeContactsCsv } from '../src/generator/contacts-csv.js';
import { cpuTimed, serverCpuOver, type CpuSeconds } from './cpu-time.js';
import { benchFecPortfolio } from './fec-portfolio.js';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
const resultsDir = join(root, 'bench', 'results');
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const rows = argument('rows', 1_000_000);
const rssRows = argument('rss-rows', 5_000_000);
const skipPostgres = process.argv.includes('--skip-postgres');
const repeat = Math.max(1, argument('repeat', 3));
const fecLines = argument('fec-lines', 5_000_000);
const skipFec = process.argv.includes('--skip-fec');
const fecDossiers = argument('fec-dossiers', 1000);
const skipDedupe = process.argv.includes('--skip-dedupe');
const skipLink = process.argv.includes('--skip-link');
const postgresUrl = process.env.CUTOVER_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

const log = (line: string) => process.stderr.write(`${line}\n`);

const contactsFile = async (count: number): Promise<string> => {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, `contacts-${count}.csv`);
  if (!existsSync(path)) {
    log(`generating ${count.toLocaleString('en-US')} contacts -> ${path}`);
    await writeContactsCsv({ rows: count, seed: 42, path });
  }
  return path;
};

/** The contact fields the bench plan maps, each from the CSV column of the same name: every column but the key. */
const mappedFields = benchmarkContactColumns.filter((column) => column !== 'contact_id');

const plan = (file: string, target: string) => `version: 1
name: bench-contacts
target: ${target}
batchSize: 10000
entities:
  contact:
    source: { type: csv, path: ${JSON.stringify(file)}, encoding: utf-8, delimiter: "," }
    dossier: { value: bench }
    key: contact_id
    fields:
${mappedFields
  .map((field) =>
    field === 'created_at'
      ? `      ${field}: { from: ${field}, formats: ["yyyy-MM-dd HH:mm:ss"] }`
      : `      ${field}: ${field}`,
  )
  .join('\n')}
`;

interface Measured {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb?: number;
  /** Processor seconds: the client's (every thread), and the PostgreSQL server's for a load into it. */
  readonly cpu?: CpuSeconds;
}

/**
 * Runs a command to its end, as the bench's references do: its wall seconds and its CPU seconds (and with `server`,
 * the PostgreSQL server's over the same time).
 */
const timedCommand = async (
  command: string,
  args: readonly string[],
  server = false,
): Promise<{ seconds: number; cpu: CpuSeconds | undefined }> => {
  const timed = cpuTimed(command, args);
  // Wall time of the command alone: the server's CPU is read after a pause, outside it.
  const { result: seconds, server: serverSeconds } = await serverCpuOver(() => {
    const started = process.hrtime.bigint();
    execFileSync(timed.command, timed.args, { stdio: ['ignore', 'ignore', 'inherit'] });
    return Promise.resolve(Number(process.hrtime.bigint() - started) / 1e9);
  });
  const client = timed.read();
  return {
    seconds,
    cpu:
      client === undefined
        ? undefined
        : { client, ...(server && serverSeconds !== undefined ? { server: serverSeconds } : {}) },
  };
};

/** Two CPU measures of one load made of two commands, added up. */
const addCpu = (a: CpuSeconds | undefined, b: CpuSeconds | undefined): CpuSeconds | undefined =>
  a === undefined || b === undefined
    ? undefined
    : {
        client: Number((a.client + b.client).toFixed(2)),
        ...(a.server === undefined || b.server === undefined
          ? {}
          : { server: Number((a.server + b.server).toFixed(2)) }),
      };

/** A measure taken several times: the run of median seconds, with every run's seconds. */
interface MeasuredRuns extends Measured {
  readonly runs: readonly number[];
}

const median = (list: readonly Measured[]): MeasuredRuns | undefined => {
  if (list.length === 0) return undefined;
  const sorted = [...list].sort((a, b) => a.seconds - b.seconds);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)]!,
    runs: list.map((measured) => Number(measured.seconds.toFixed(2))),
  };
};

interface MeasuredPostgres extends Measured {
  /** psql's \copy of the rows cutover loaded into an empty canonical table: the server's own time. */
  readonly canonicalCopy: Measured;
  /** The same into the canonical table without its indexes, then the primary key and unique index built. */
  readonly canonicalIndexesAfter: Measured;
}

/** Runs the built CLI as a user would and times the whole process (and with `server`, PostgreSQL's CPU). */
const cutoverRun = async (planFile: string, server = false, dryRun = false): Promise<Measured> => {
  const timed = cpuTimed(process.execPath, [
    join(root, 'bin', 'cutover.js'),
    'run',
    '--plan',
    planFile,
    '--json',
    ...(dryRun ? ['--dry-run'] : []),
  ]);
  const { result, server: serverSeconds } = await serverCpuOver(() => cutoverProcess(timed));
  const client = timed.read();
  return client === undefined
    ? result
    : {
        ...result,
        cpu: { client, ...(server && serverSeconds !== undefined ? { server: serverSeconds } : {}) },
      };
};

const cutoverProcess = (timed: ReturnType<typeof cpuTimed>): Promise<Measured> =>
  new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(timed.command, timed.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(new Error(`cutover run exited with ${code}: ${stdout.slice(0, 500)}`));
      // A dry run counts as loaded what it would load (the mapped records); its summary says so the same way.
      const summary = JSON.parse(stdout) as { records: { loaded: number }; peakRssMb: number };
      done({
        rows: summary.records.loaded,
        seconds,
        rowsPerSecond: Math.round(summary.records.loaded / seconds),
        peakRssMb: summary.peakRssMb,
      });
    });
  });

const freshFolder = (name: string) => {
  const folder = join(dataDir, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  return folder;
};

const benchSqlite = async (file: string): Promise<Measured> => {
  const folder = freshFolder('run-sqlite');
  writeFileSync(join(folder, 'cutover.yaml'), plan(file, '{ type: sqlite, url: target.db }'));
  return cutoverRun(join(folder, 'cutover.yaml'));
};

/**
 * The client's own floor: `cutover run --dry-run` reads, parses, validates and maps the same file and writes nothing
 * (no target, no encoding): what cutover needs before a byte reaches any database. It also checks the keys for
 * repeats, which a load leaves to the target's unique index (about 0.2 s for 1M keys under the profiler, see KeySet).
 */
const benchDryRun = async (file: string): Promise<Measured> => {
  const folder = freshFolder('dry-run');
  writeFileSync(join(folder, 'cutover.yaml'), plan(file, '{ type: sqlite, url: target.db }'));
  return cutoverRun(join(folder, 'cutover.yaml'), false, true);
};

const withPostgres = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const benchPostgres = async (file: string): Promise<MeasuredPostgres> => {
  const folder = freshFolder('run-postgres');
  const schema = `bench_cutover_${process.pid}`;
  await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  writeFileSync(
    join(folder, 'cutover.yaml'),
    plan(file, `{ type: postgres, url: "${postgresUrl}", schema: ${schema} }`),
  );
  try {
    const measured = await cutoverRun(join(folder, 'cutover.yaml'), true);
    return { ...measured, ...(await benchCanonicalCopy(schema, folder, measured.rows)) };
  } finally {
    await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  }
};

/** The columns cutover's COPY carries for the bench plan (columns empty in every row are left out). */
const canonicalColumns = ['dossier_id', 'source_key', 'run_id', ...mappedFields];

const psql = (command: string) =>
  execFileSync('psql', [postgresUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });

/** psql running one command, timed, with the server's CPU. */
const timedPsql = (command: string) =>
  timedCommand('psql', [postgresUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], true);

/**
 * The server's own share: psql's \copy of the very rows cutover loaded (read back as COPY text) into an empty copy
 * of the canonical table (identity key, unique index on dossier and source key). Nothing to read, map or encode:
 * what is left is what PostgreSQL needs to take these rows into that table, the floor under cutover's time. Then the
 * same rows into a copy without the indexes, which are built afterwards (one sort each instead of a descent of the
 * index per row): what a load that deferred its indexes could at best reach.
 */
const benchCanonicalCopy = async (
  schema: string,
  folder: string,
  count: number,
): Promise<{ canonicalCopy: Measured; canonicalIndexesAfter: Measured }> => {
  const rowsFile = join(folder, 'canonical-rows.copy');
  const floor = `${schema}_floor`;
  const columns = canonicalColumns.join(', ');
  psql(`\\copy (SELECT ${columns} FROM ${schema}.contact ORDER BY id) TO '${rowsFile}'`);
  await withPostgres((client) =>
    client.query(
      `DROP SCHEMA IF EXISTS ${floor} CASCADE; CREATE SCHEMA ${floor};
       CREATE TABLE ${floor}.contact (LIKE ${schema}.contact INCLUDING ALL);
       CREATE TABLE ${floor}.bare (LIKE ${schema}.contact INCLUDING DEFAULTS INCLUDING IDENTITY)`,
    ),
  );
  const measured = (seconds: number, cpu: CpuSeconds | undefined): Measured => ({
    rows: count,
    seconds,
    rowsPerSecond: Math.round(count / seconds),
    ...(cpu === undefined ? {} : { cpu }),
  });
  try {
    const canonical = await timedPsql(`\\copy ${floor}.contact (${columns}) FROM '${rowsFile}'`);
    const bare = await timedPsql(`\\copy ${floor}.bare (${columns}) FROM '${rowsFile}'`);
    const indexes = await timedPsql(
      `ALTER TABLE ${floor}.bare ADD PRIMARY KEY (id); CREATE UNIQUE INDEX ON ${floor}.bare (dossier_id, source_key)`,
    );
    return {
      canonicalCopy: measured(canonical.seconds, canonical.cpu),
      canonicalIndexesAfter: measured(bare.seconds + indexes.seconds, addCpu(bare.cpu, indexes.cpu)),
    };
  } finally {
    await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS ${floor} CASCADE`));
    rmSync(rowsFile, { force: true });
  }
};

/** The reference: psql's \copy of the same file into a plain table of the same columns. */
const benchCopy = async (file: string, count: number): Promise<Measured> => {
  const table = `bench_copy_${process.pid}`;
  await withPostgres((client) =>
    client.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (contact_id text, first_name text, last_name text,
      email text, phone text, mobile text, job_title text, postcode text, city text, created_at timestamptz)`),
  );
  const { seconds, cpu } = await timedPsql(`\\copy ${table} FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  await withPostgres((client) => client.query(`DROP TABLE IF EXISTS ${table}`));
  return {
    rows: count,
    seconds,
    rowsPerSecond: Math.round(count / seconds),
    ...(cpu === undefined ? {} : { cpu }),
  };
};

/**
 * The second PostgreSQL reference, pgloader (the tool a migration team would otherwise reach for), loading the same
 * file into the same plain table as \copy, with its default settings. Skipped when pgloader is not installed
 * (Debian: `apt-get install pgloader`). It must load every row, or the bench fails rather than report a rate of
 * a partial load.
 */
const benchPgloader = async (file: string, count: number): Promise<Measured | undefined> => {
  try {
    execFileSync('pgloader', ['--version'], { stdio: 'ignore' });
  } catch {
    log('  pgloader not installed: no pgloader reference');
    return undefined;
  }
  const table = `bench_pgloader_${process.pid}`;
  await withPostgres((client) =>
    client.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (contact_id text, first_name text, last_name text,
      email text, phone text, mobile text, job_title text, postcode text, city text, created_at timestamptz)`),
  );
  const folder = freshFolder('pgloader');
  const command = join(folder, 'load.pgl');
  writeFileSync(
    command,
    `LOAD CSV FROM '${file}' (${benchmarkContactColumns.join(', ')})
  INTO ${postgresUrl}?tablename=${table}
  WITH skip header = 1, fields terminated by ',', fields optionally enclosed by '"';
`,
  );
  try {
    const { seconds, cpu } = await timedCommand('pgloader', ['--quiet', command], true);
    const loaded = await withPostgres(async (client) =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n),
    );
    if (loaded !== count) throw new Error(`pgloader loaded ${loaded} rows of ${count}`);
    return {
      rows: count,
      seconds,
      rowsPerSecond: Math.round(count / seconds),
      ...(cpu === undefined ? {} : { cpu }),
    };
  } finally {
    await withPostgres((client) => client.query(`DROP TABLE IF EXISTS ${table}`));
  }
};

/**
 * The SQLite reference: the sqlite3 shell's own `.import` of the same file into a plain table (no key, no index, no
 * mapping), with the target's journal settings. It shows how fast SQLite itself takes this file on this machine.
 * Skipped when the shell is not installed.
 */
const benchSqliteImport = async (file: string, count: number): Promise<Measured | undefined> => {
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
  } catch {
    log('  sqlite3 shell not installed: no SQLite reference');
    return undefined;
  }
  const folder = freshFolder('import-sqlite');
  const { seconds, cpu } = await timedCommand('sqlite3', [
    join(folder, 'import.db'),
    '-cmd',
    'PRAGMA journal_mode = WAL',
    '-cmd',
    'PRAGMA synchronous = NORMAL',
    `.import --csv ${file} contacts`,
  ]);
  return {
    rows: count,
    seconds,
    rowsPerSecond: Math.round(count / seconds),
    ...(cpu === undefined ? {} : { cpu }),
  };
};

const main = async () => {
  const file = await contactsFile(rows);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      // The machine is shared: other work running during the bench shows here, and in the seconds.
      loadAverageAtStart: Number(loadavg()[0]!.toFixed(2)),
    },
    input: { rows, bytes: statSync(file).size, columns: 10 },
  };
  // Each measure runs `repeat` times, in rounds (every measure once per round, so that a slow spell of the shared
  // machine falls on all of them), and the median is reported beside every run's seconds.
  const samples = {
    sqlite: [] as Measured[],
    sqliteImport: [] as Measured[],
    dryRun: [] as Measured[],
    postgres: [] as Measured[],
    psqlCopy: [] as Measured[],
    psqlCopyCanonical: [] as Measured[],
    psqlCopyCanonicalIndexesAfter: [] as Measured[],
    pgloader: [] as Measured[],
  };
  const rate = (measured: Measured) => `${measured.rowsPerSecond.toLocaleString('en-US')} rows/s`;
  for (let round = 1; round <= repeat; round++) {
    log(`round ${round} of ${repeat}`);
    log('  cutover run -> SQLite ...');
    samples.sqlite.push(await benchSqlite(file));
    log(`    ${rate(samples.sqlite.at(-1)!)}`);
    log('  sqlite3 .import -> SQLite (reference) ...');
    const sqliteImport = await benchSqliteImport(file, rows);
    if (sqliteImport !== undefined) {
      samples.sqliteImport.push(sqliteImport);
      log(`    ${rate(sqliteImport)}`);
    }
    log('  cutover run --dry-run (reading and mapping alone) ...');
    samples.dryRun.push(await benchDryRun(file));
    log(`    ${rate(samples.dryRun.at(-1)!)}`);
    if (!skipPostgres) {
      log('  cutover run -> PostgreSQL ...');
      const { canonicalCopy, canonicalIndexesAfter, ...postgres } = await benchPostgres(file);
      samples.postgres.push(postgres);
      samples.psqlCopyCanonical.push(canonicalCopy);
      samples.psqlCopyCanonicalIndexesAfter.push(canonicalIndexesAfter);
      log(
        `    ${rate(postgres)}; psql \\copy of its rows into the canonical table: ${rate(canonicalCopy)}, indexes built after: ${rate(canonicalIndexesAfter)}`,
      );
      log('  psql \\copy -> PostgreSQL (reference) ...');
      samples.psqlCopy.push(await benchCopy(file, rows));
      log(`    ${rate(samples.psqlCopy.at(-1)!)}`);
      log('  pgloader -> PostgreSQL (reference) ...');
      const pgloader = await benchPgloader(file, rows);
      if (pgloader !== undefined) {
        samples.pgloader.push(pgloader);
        log(`    ${rate(pgloader)}`);
      }
    }
  }
  const share = (part: Measured | undefined, whole: Measured | undefined) =>
    part === undefined || whole === undefined
      ? undefined
      : Number((part.rowsPerSecond / whole.rowsPerSecond).toFixed(2));
  const sqlite = median(samples.sqlite);
  const sqliteImport = median(samples.sqliteImport);
  const dryRun = median(samples.dryRun);
  const postgres = median(samples.postgres);
  const psqlCopy = median(samples.psqlCopy);
  const psqlCopyCanonical = median(samples.psqlCopyCanonical);
  const psqlCopyCanonicalIndexesAfter = median(samples.psqlCopyCanonicalIndexesAfter);
  const pgloader = median(samples.pgloader);
  Object.assign(results, {
    repeat,
    sqlite,
    sqliteImport,
    sqliteShareOfImport: share(sqlite, sqliteImport),
    dryRun,
    dryRunShareOfCopy: share(dryRun, psqlCopy),
    postgres,
    psqlCopy,
    psqlCopyCanonical,
    postgresShareOfCopy: share(postgres, psqlCopy),
    canonicalShareOfCopy: share(psqlCopyCanonical, psqlCopy),
    psqlCopyCanonicalIndexesAfter,
    indexesAfterShareOfCopy: share(psqlCopyCanonicalIndexesAfter, psqlCopy),
    pgloader,
    postgresTimesPgloader: share(postgres, pgloader),
    copyTimesPgloader: share(psqlCopy, pgloader),
  });
  if (rssRows > 0) {
    const big = await contactsFile(rssRows);
    log(`cutover run -> SQLite on ${rssRows.toLocaleString('en-US')} rows (peak memory) ...`);
    const large = await benchSqlite(big);
    log(`  ${large.rowsPerSecond.toLocaleString('en-US')} rows/s, peak RSS ${large.peakRssMb} MB`);
    results.sqliteLarge = large;
  }
  results.loadAverageAtEnd = Number(loadavg()[0]!.toFixed(2));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'contacts-load.json'), `${JSON.stringify(results, null, 2)}\n`);
  updateReadme(results);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (!skipFec) benchFec();
  if (fecDossiers > 0) {
    const portfolio = await benchFecPortfolio(fecDossiers);
    process.stdout.write(`${JSON.stringify(portfolio, null, 2)}\n`);
  }
  if (!skipDedupe) {
    execFileSync(process.execPath, [...process.execArgv, join(root, 'bench', 'dedupe.ts')], {
      stdio: 'inherit',
    });
  }
  if (!skipLink) {
    execFileSync(process.execPath, [...process.execArgv, join(root, 'bench', 'link.ts')], {
      stdio: 'inherit',
    });
  }
};

/** Same runtime flags as this process (the tsx loader), results in bench/results/fec-validate.json. */
const benchFec = () =>
  execFileSync(
    process.execPath,
    [...process.execArgv, join(root, 'bench', 'fec-validate.ts'), '--fec-lines', String(fecLines)],
    { stdio: 'inherit' },
  );

const updateReadme = (results: Record<string, unknown>) => {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:contacts:start -->';
  const end = '<!-- bench:contacts:end -->';
  if (!text.includes(start) || !text.includes(end)) return;
  const number = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : 'n/a');
  const row = (name: string, value: unknown) => {
    const measured = value as Partial<MeasuredRuns> | undefined;
    const seconds = measured?.runs ?? (measured?.seconds === undefined ? [] : [measured.seconds]);
    const runs = seconds.length === 0 ? 'n/a' : seconds.map((value) => value.toFixed(2)).join(', ');
    const cpu = measured?.cpu;
    const cpuText =
      cpu === undefined
        ? 'n/a'
        : cpu.server === undefined
          ? cpu.client.toFixed(2)
          : `${cpu.client.toFixed(2)} + ${cpu.server.toFixed(2)}`;
    return `| ${name} | ${number(measured?.rows)} | ${measured?.seconds === undefined ? 'n/a' : measured.seconds.toFixed(2)} | ${number(measured?.rowsPerSecond)} | ${number(measured?.peakRssMb)} | ${cpuText} | ${runs} |`;
  };
  const postgres = results.postgres as Partial<Measured> | undefined;
  const copy = results.psqlCopy as Partial<Measured> | undefined;
  const budget =
    postgres?.cpu?.server === undefined || copy?.seconds === undefined
      ? ''
      : ` Two cores give at most two processor seconds a second: \`cutover run\` into PostgreSQL used ${(postgres.cpu.client + postgres.cpu.server).toFixed(2)} s of processor (its own ${postgres.cpu.client.toFixed(2)}, the server's ${postgres.cpu.server.toFixed(2)}), so on this machine it cannot take less than ${((postgres.cpu.client + postgres.cpu.server) / 2).toFixed(2)} s, where half of \`\\copy\`'s rate is ${(copy.seconds * 2).toFixed(2)} s.`;
  const dryRun = results.dryRun as Partial<Measured> | undefined;
  const dryRunText =
    dryRun?.seconds === undefined
      ? ''
      : `The dry run reads, parses, validates and maps the same file, checks its keys for repeats (what the target's unique index does in a load) and writes nothing: cutover's own work before any database takes a row${typeof results.dryRunShareOfCopy === 'number' ? ` (${results.dryRunShareOfCopy.toFixed(2)} of the plain \`\\copy\` rate)` : ''}${copy?.seconds === undefined ? '' : `; it took ${dryRun.seconds.toFixed(2)} s, where half of \`\\copy\`'s rate leaves ${(copy.seconds * 2).toFixed(2)} s for the whole load`}. `;
  const table = [
    `Measured ${String(results.date).slice(0, 10)} on ${(results.machine as { cpus: number }).cpus} cores (${String((results.machine as { cpuModel?: string }).cpuModel)}), load average ${String((results.machine as { loadAverageAtStart?: number }).loadAverageAtStart)} at the start and ${String(results.loadAverageAtEnd)} at the end (\`npm run bench\`, each 1M measure taken ${String(typeof results.repeat === 'number' ? results.repeat : 1)} times in rounds, the median shown; raw figures in \`bench/results/contacts-load.json\`):`,
    '',
    `| what | rows | seconds (median) | rows/s | peak RSS (MB) | CPU s (client + server) | every run (s) |`,
    '|---|---:|---:|---:|---:|---:|---|',
    row('`cutover run` → SQLite target', results.sqlite),
    row('`sqlite3 .import` → SQLite (reference)', results.sqliteImport),
    row('`cutover run --dry-run` (reads and maps, writes nothing)', results.dryRun),
    row('`cutover run` → PostgreSQL target', results.postgres),
    row('`psql \\copy` → PostgreSQL (reference)', results.psqlCopy),
    row("`psql \\copy` of cutover's rows → canonical table (server's share)", results.psqlCopyCanonical),
    row(
      "`psql \\copy` of cutover's rows → canonical table, indexes built after",
      results.psqlCopyCanonicalIndexesAfter,
    ),
    row('`pgloader` → PostgreSQL (reference)', results.pgloader),
    row('`cutover run` → SQLite target, large file', results.sqliteLarge),
    '',
    `SQLite target at ${typeof results.sqliteShareOfImport === 'number' ? results.sqliteShareOfImport.toFixed(2) : 'n/a'} of the \`sqlite3 .import\` rate, PostgreSQL target at ${typeof results.postgresShareOfCopy === 'number' ? results.postgresShareOfCopy.toFixed(2) : 'n/a'} of the \`\\copy\` rate. The references (\`sqlite3 .import\`, \`\\copy\`) load the same file into a plain table of its 10 columns, with no key, index or mapping; \`cutover run\` loads the canonical table (identity key, unique index on dossier and source key), with checkpoints and ledger. The third PostgreSQL line is psql's \`\\copy\` of the very rows cutover loaded, read back as COPY text, into an empty canonical table: no file to read, nothing to map or encode, only what the server needs to take these rows into that table${typeof results.canonicalShareOfCopy === 'number' ? ` (${results.canonicalShareOfCopy.toFixed(2)} of the plain \`\\copy\` rate)` : ''}. The fourth is the same into the table without its indexes, the primary key and the unique index built afterwards, as a load that deferred them would${typeof results.indexesAfterShareOfCopy === 'number' ? ` (${results.indexesAfterShareOfCopy.toFixed(2)} of the plain rate)` : ''}. \`pgloader\`, with its default settings, loads the same file into the same plain table as \`\\copy\`${typeof results.postgresTimesPgloader === 'number' && typeof results.copyTimesPgloader === 'number' ? `: \`cutover run\` into PostgreSQL goes ${results.postgresTimesPgloader.toFixed(1)} times its rate, \`\\copy\` ${results.copyTimesPgloader.toFixed(1)} times` : ' (not installed for this run)'}. ${dryRunText}The CPU column counts processor seconds of the median run: the client's (every thread of cutover, psql, sqlite3 or pgloader) and, for a load into PostgreSQL, the server's (all its processes, on the same machine).${budget}`,
  ].join('\n');
  writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
};

await main();

/**
 * A large workbook through `cutover run`: peak memory and time. Excel keeps each distinct text of a workbook once,
 * in a shared-strings part that a streaming reader must hold while it reads the sheet (the cells only name their
 * string by number); a 1M-row export of names and e-mails has millions of them. The workbook is written the way
 * Excel writes one (shared strings, after the sheet), by exceljs's streaming writer, once, into bench/data.
 *
 * Run: `npx tsx bench/xlsx-load.ts [--rows N]` (default 1,000,000). Writes bench/results/xlsx-load.json.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { timedCutover } from './timed-cutover.js';

const root = resolve(import.meta.dirname, '..');
const at = process.argv.indexOf('--rows');
const rows = at === -1 ? 1_000_000 : Number(process.argv[at + 1]);
const folder = join(root, 'bench', 'data', `xlsx-${rows}`);
const workbookFile = join(folder, 'contacts.xlsx');
const log = (line: string) => process.stderr.write(`${line}\n`);

const writeWorkbook = async (): Promise<void> => {
  mkdirSync(folder, { recursive: true });
  log(`writing a ${rows.toLocaleString('en-US')}-row workbook -> ${workbookFile}`);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: workbookFile, useSharedStrings: true });
  const sheet = writer.addWorksheet('Contacts');
  sheet.addRow(['contact_id', 'first_name', 'last_name', 'email', 'phone', 'city']).commit();
  for (let i = 1; i <= rows; i++) {
    sheet
      .addRow([
        `C${i}`,
        `Prénom${i}`,
        `Nom${i}`,
        `prenom.nom${i}@exemple.fr`,
        `01 23 ${String(i).padStart(8, '0')}`,
        `Ville ${i % 5000}`,
      ])
      .commit();
  }
  sheet.commit();
  await writer.commit();
};

const plan = `version: 1
name: bench-xlsx
target: { type: sqlite, url: target.db }
batchSize: 10000
entities:
  contact:
    source: { type: xlsx, path: contacts.xlsx }
    dossier: { value: bench }
    key: contact_id
    fields:
      first_name: first_name
      last_name: last_name
      email: email
      phone: phone
      city: city
`;

if (!existsSync(workbookFile)) await writeWorkbook();
writeFileSync(join(folder, 'cutover.yaml'), plan);
rmSync(join(folder, 'target.db'), { force: true });
rmSync(join(folder, '.cutover'), { recursive: true, force: true });
log('cutover run: workbook -> SQLite ...');
const step = await timedCutover(['run', '--plan', join(folder, 'cutover.yaml'), '--json']);
if (step.code !== 0) throw new Error(`cutover run exited with ${step.code}`);
const measured = { ...step, loaded: (step.json as { records: { loaded: number } }).records.loaded };
const result = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  rows,
  workbookBytes: statSync(workbookFile).size,
  // Five texts of each row are its own, the town one of 5,000, plus the header's six.
  distinctStrings: rows * 5 + Math.min(rows, 5000) + 6,
  seconds: Number(measured.seconds.toFixed(2)),
  rowsPerSecond: Math.round(measured.loaded / measured.seconds),
  peakRssMb: measured.peakRssMb,
};
log(JSON.stringify(result, null, 2));
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'xlsx-load.json'), `${JSON.stringify(result, null, 2)}\n`);

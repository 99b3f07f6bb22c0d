import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { EntityName } from '../core/model/canonical-model.js';
import { buildActivities, activityColumns } from './crm-activities.js';
import { buildCompanies, companyColumns, type CompanyCell, type CrmClient } from './crm-companies.js';
import { buildUsers } from './crm-users.js';
import { buildContacts, contactColumns } from './crm-contacts.js';
import { buildDeals, dealColumns } from './crm-deals.js';
import type { CrmRow } from './crm-rows.js';
import { csvRow, physicalLines } from './csv-row.js';
import { defectOf, type Defect, type EntityCounts } from './manifest.js';
import { pinZipTimestamps } from './pin-zip-timestamps.js';
import type { Random } from './random.js';
import { openTextSink, type TextSinkOptions } from './text-sink.js';

/** The CRM's size: about what a small company's CRM holds, and the defects per file. */
export const crmSizes = {
  users: 20,
  companies: { companies: 1000, nearDuplicates: 20, missingNames: 5 },
  contacts: {
    contacts: 5000,
    nearDuplicates: 60,
    missingNames: 15,
    invalidBirthDates: 12,
    unknownCompanies: 10,
    duplicateKeys: 8,
    testRecords: 20,
    invalidEmails: 30,
    invalidPhones: 30,
  },
  deals: { deals: 1500, invalidAmounts: 8, unknownContacts: 6, missingTitles: 5 },
  activities: { activities: 8000, invalidDates: 10 },
} as const;

export interface CrmResult {
  /** Files written, relative to the portfolio folder, with their sizes in bytes. */
  readonly files: readonly { readonly file: string; readonly bytes: number }[];
  readonly counts: EntityCounts;
  readonly defects: readonly Defect[];
  /** Companies that are the firm's clients: their source key and dossier, the CRM side of the link truth. */
  readonly clientRows: readonly { readonly dossier: string; readonly key: string }[];
}

/** As Excel on a French Windows saves CSV. */
const excelFrench = { delimiter: ';', lineEnd: '\r\n', encoding: 'windows-1252' } as const;
/** As a modern tool exports CSV. */
const plainCsv = { delimiter: ',', lineEnd: '\n' } as const;

/** Spreadsheet metadata fixed so that the same seed writes the same bytes. */
const FIXED_TIMESTAMP = new Date(Date.UTC(2024, 0, 1));

const defectsOf = <Cell>(
  entity: EntityName,
  file: string,
  rows: readonly CrmRow<Cell>[],
  lines: readonly number[],
): Defect[] =>
  rows.flatMap((row, index) =>
    row.defect === undefined
      ? []
      : [defectOf(entity, file, lines[index] ?? 0, row.key, row.defect.kind, row.defect.duplicateOf)],
  );

/** Writes rows as delimited text and returns each row's physical starting line (the header is line 1). */
const writeDelimited = async (
  filePath: string,
  columns: readonly string[],
  rows: readonly CrmRow[],
  format: { delimiter: string; lineEnd: string } & TextSinkOptions,
): Promise<{ bytes: number; lines: number[] }> => {
  const sink = openTextSink(filePath, format);
  await sink.write(csvRow(columns, format.delimiter, format.lineEnd));
  const lines: number[] = [];
  let line = 2;
  for (const row of rows) {
    lines.push(line);
    const text = csvRow(
      columns.map((column) => row.values[column] ?? ''),
      format.delimiter,
      format.lineEnd,
    );
    line += physicalLines(text);
    const wait = sink.write(text);
    if (wait) await wait;
  }
  return { bytes: await sink.close(), lines };
};

/** `companies.xlsx`, sheet `Companies`, through exceljs's streaming writer. Returns the size in bytes. */
const writeCompaniesXlsx = async (
  filePath: string,
  rows: readonly CrmRow<CompanyCell>[],
): Promise<number> => {
  // Loaded here, not with the module: exceljs takes about 0.3 s to load (see xlsx-source.ts).
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    filename: filePath,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'cutover generate';
  workbook.lastModifiedBy = 'cutover generate';
  workbook.created = FIXED_TIMESTAMP;
  workbook.modified = FIXED_TIMESTAMP;
  const sheet = workbook.addWorksheet('Companies');
  sheet.addRow([...companyColumns]).commit();
  const createdColumn = companyColumns.indexOf('created') + 1;
  for (const row of rows) {
    const added = sheet.addRow(companyColumns.map((column) => row.values[column] ?? null));
    if (row.values.created instanceof Date) added.getCell(createdColumn).numFmt = 'dd/mm/yyyy hh:mm';
    added.commit();
  }
  sheet.commit();
  await workbook.commit();
  await pinZipTimestamps(filePath);
  return (await stat(filePath)).size;
};

/**
 * The legacy CRM export, one dossier named `crm`: users.json, companies.xlsx, contacts.csv (Windows-1252, `;`,
 * CRLF, as Excel on a French Windows saves CSV), deals.csv and activities.csv (UTF-8, comma).
 */
export const writeCrm = async (
  random: Random,
  outDir: string,
  clients: readonly CrmClient[] = [],
): Promise<CrmResult> => {
  await mkdir(path.join(outDir, 'crm'), { recursive: true });
  const users = buildUsers(random.fork('users'), crmSizes.users);
  const {
    rows: companyRows,
    companies,
    clientRows,
  } = buildCompanies(random.fork('companies'), users, crmSizes.companies, clients);
  const { rows: contactRows, contacts } = buildContacts(
    random.fork('contacts'),
    companies,
    users,
    crmSizes.contacts,
  );
  const { rows: dealRows, deals } = buildDeals(
    random.fork('deals'),
    companies,
    contacts,
    users,
    crmSizes.deals,
  );
  const activityRows = buildActivities(
    random.fork('activities'),
    contacts,
    deals,
    users,
    crmSizes.activities,
  );

  const usersJson = `${JSON.stringify(users, null, 2)}\n`;
  await writeFile(path.join(outDir, 'crm/users.json'), usersJson);
  const xlsxBytes = await writeCompaniesXlsx(path.join(outDir, 'crm/companies.xlsx'), companyRows);
  const delimited = [
    {
      entity: 'contact',
      file: 'crm/contacts.csv',
      columns: contactColumns,
      rows: contactRows,
      format: excelFrench,
    },
    { entity: 'deal', file: 'crm/deals.csv', columns: dealColumns, rows: dealRows, format: plainCsv },
    {
      entity: 'activity',
      file: 'crm/activities.csv',
      columns: activityColumns,
      rows: activityRows,
      format: plainCsv,
    },
  ] as const;
  const files = [
    { file: 'crm/users.json', bytes: Buffer.byteLength(usersJson) },
    { file: 'crm/companies.xlsx', bytes: xlsxBytes },
  ];
  // Spreadsheet rows: the header is row 1.
  const defects = defectsOf(
    'company',
    'crm/companies.xlsx',
    companyRows,
    companyRows.map((_row, index) => index + 2),
  );
  for (const { entity, file, columns, rows, format } of delimited) {
    const written = await writeDelimited(path.join(outDir, file), columns, rows, format);
    files.push({ file, bytes: written.bytes });
    defects.push(...defectsOf(entity, file, rows, written.lines));
  }

  return {
    files,
    counts: {
      user: users.length,
      company: companyRows.length,
      contact: contactRows.length,
      deal: dealRows.length,
      activity: activityRows.length,
    },
    defects,
    clientRows,
  };
};

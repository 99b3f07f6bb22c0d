import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyColumns } from '../../src/generator/crm-companies.js';
import type { Defect, Manifest } from '../../src/generator/manifest.js';
import {
  generateInTemp,
  parseDelimited,
  physicalLinesOf,
  readManifest,
  readText,
  type GeneratedPortfolio,
  removeTemporaryFolders,
} from './portfolio-files.js';

afterAll(removeTemporaryFolders);

type Row = Record<string, string>;

let portfolio: GeneratedPortfolio;
let manifest: Manifest;
let contacts: Row[];
let deals: Row[];
let activities: Row[];
let companies: Row[];
/** Spreadsheet cells as read, by column, for the `created` checks. */
let createdCells: unknown[];
let users: { user_id: string; name: string; email: string; active: boolean }[];

const cellText = (value: unknown): string => {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
};

beforeAll(async () => {
  portfolio = await generateInTemp(0, 99);
  manifest = await readManifest(portfolio.dir);
  contacts = parseDelimited(await readText(portfolio.dir, 'crm/contacts.csv'), ';');
  deals = parseDelimited(await readText(portfolio.dir, 'crm/deals.csv'), ',');
  activities = parseDelimited(await readText(portfolio.dir, 'crm/activities.csv'), ',');
  users = JSON.parse(await readText(portfolio.dir, 'crm/users.json')) as typeof users;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(portfolio.dir, 'crm/companies.xlsx'));
  const sheet = workbook.getWorksheet('Companies');
  companies = [];
  createdCells = [];
  sheet?.eachRow((row, number) => {
    if (number === 1) return;
    const values = companyColumns.map((_column, index) => row.getCell(index + 1).value);
    createdCells.push(values[companyColumns.indexOf('created')]);
    companies.push(
      Object.fromEntries(companyColumns.map((column, index) => [column, cellText(values[index])])),
    );
  });
});

const defectsOf = (entity: Defect['entity']) => manifest.defects.filter((defect) => defect.entity === entity);

/** Whether text is a real calendar date in one of the layouts the CRM files use. */
const isRealDate = (text: string): boolean => {
  const dayFirst = /^(\d{2})[/.](\d{2})[/.](\d{4})$/.exec(text);
  const yearFirst = /^(\d{4})-(\d{2})-(\d{2})(?: \d{2}:\d{2}:\d{2})?$/.exec(text);
  const parts = dayFirst
    ? [dayFirst[3], dayFirst[2], dayFirst[1]]
    : yearFirst
      ? [yearFirst[1], yearFirst[2], yearFirst[3]]
      : undefined;
  if (parts === undefined) return false;
  const [year = 0, month = 0, day = 0] = parts.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() + 1 === month && date.getUTCDate() === day;
};

/** A file's rows with the physical line each starts on, for files with no line break inside a field. */
const rowAtLine = (rows: readonly Row[], line: number): Row | undefined => rows[line - 2];

describe('generated CRM export', () => {
  it('writes contacts.csv in Windows-1252 (é is the single byte 0xE9, so the file is not valid UTF-8), with ; and CRLF', async () => {
    const bytes = await readFile(path.join(portfolio.dir, 'crm/contacts.csv'));
    expect(bytes.includes(0xe9)).toBe(true);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const text = await readText(portfolio.dir, 'crm/contacts.csv');
    expect(
      text.startsWith('contact_id;first_name;last_name;email;phone;mobile;job_title;company_id;owner_id;'),
    ).toBe(true);
    expect(text.split('\r\n').length).toBe(text.split('\n').length);
    // Job titles holding the delimiter or quotes are quoted, quotes doubled.
    expect(text).toContain('"Directeur commercial; export"');
    expect(text).toContain('"Responsable ""grands comptes"""');
  });

  it('mixes the layouts a legacy CRM accumulates: birth dates, opt-in flags, phones, amounts', () => {
    const birthDates = contacts.map((row) => row.birth_date ?? '');
    for (const layout of [/^\d{2}\/\d{2}\/\d{4}$/, /^\d{4}-\d{2}-\d{2}$/, /^\d{2}\.\d{2}\.\d{4}$/]) {
      expect(birthDates.some((value) => layout.test(value))).toBe(true);
    }
    expect(new Set(contacts.map((row) => row.opt_in))).toEqual(
      new Set(['oui', 'non', '1', '0', 'yes', 'no']),
    );
    const phones = contacts.map((row) => row.phone ?? '');
    for (const layout of [/^0\d( \d{2}){4}$/, /^\+33 \d( \d{2}){4}$/, /^0\d{9}$/]) {
      expect(phones.some((value) => layout.test(value))).toBe(true);
    }
    const amounts = deals.map((row) => row.amount ?? '');
    for (const layout of [/^\d+\.\d{2}$/, /^\d{1,3}( \d{3})+,\d{2}$/, /^\d+$/]) {
      expect(amounts.some((value) => layout.test(value))).toBe(true);
    }
    expect(activities.some((row) => (row.body ?? '').includes('\n'))).toBe(true);
  });

  it('has the size of a small company CRM: ~20 users, ~1,000 companies, ~5,000 contacts, 1,500 deals, 8,000 activities', () => {
    expect(users).toHaveLength(20);
    expect(users.some((user) => !user.active)).toBe(true);
    expect(companies).toHaveLength(1000);
    expect(contacts.length).toBeGreaterThanOrEqual(5000);
    expect(contacts.length).toBeLessThan(5100);
    expect(deals).toHaveLength(1500);
    expect(activities).toHaveLength(8000);
    expect(manifest.counts).toMatchObject({
      user: users.length,
      company: companies.length,
      contact: contacts.length,
      deal: deals.length,
      activity: activities.length,
    });
    expect(manifest.countsByDossier.crm).toEqual(manifest.counts);
  });

  it('stores most company creation dates as real spreadsheet dates and some as text in other layouts', () => {
    const dates = createdCells.filter((value) => value instanceof Date).length;
    const texts = createdCells.filter((value): value is string => typeof value === 'string');
    expect(dates).toBeGreaterThan(createdCells.length * 0.7);
    expect(texts.length).toBeGreaterThan(0);
    expect(
      texts.every((text) => /^\d{2}\/\d{2}\/\d{4}$|^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)),
    ).toBe(true);
  });

  it('points every manifest line at the row of its source key', async () => {
    for (const file of ['crm/contacts.csv', 'crm/deals.csv', 'crm/activities.csv']) {
      const lines = physicalLinesOf(await readText(portfolio.dir, file));
      const delimiter = file.endsWith('contacts.csv') ? ';' : ',';
      for (const defect of manifest.defects.filter((candidate) => candidate.file === file)) {
        expect(
          lines[defect.line - 1]?.startsWith(`${defect.sourceKey}${delimiter}`),
          `${file}:${defect.line}`,
        ).toBe(true);
      }
    }
    for (const defect of defectsOf('company')) {
      expect(companies[defect.line - 2]?.company_id).toBe(defect.sourceKey);
    }
  });

  it('shows each contact defect in the row: empty last name, impossible date, unknown company, reused id, test e-mail...', () => {
    const companyIds = new Set(companies.map((row) => row.company_id));
    const kinds = new Set<string>();
    for (const defect of defectsOf('contact')) {
      kinds.add(defect.kind);
      const row = rowAtLine(contacts, defect.line);
      expect(row?.contact_id).toBe(defect.sourceKey);
      const email = row?.email ?? '';
      switch (defect.kind) {
        case 'missing_required':
          expect(row?.last_name).toBe('');
          break;
        case 'invalid_date':
          expect(isRealDate(row?.birth_date ?? '')).toBe(false);
          break;
        case 'unknown_parent':
          expect(companyIds.has(row?.company_id)).toBe(false);
          break;
        case 'duplicate_key':
          expect(
            contacts.slice(0, defect.line - 2).some((other) => other.contact_id === defect.sourceKey),
          ).toBe(true);
          break;
        case 'test_record':
          expect(email.endsWith('@example.test')).toBe(true);
          break;
        case 'invalid_email':
          expect(email).not.toMatch(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i);
          break;
        case 'invalid_phone':
          expect([10, 11]).not.toContain((row?.phone ?? '').replace(/\D/g, '').length);
          break;
        case 'near_duplicate': {
          const original = contacts.find((other) => other.contact_id === defect.duplicateOf);
          const sharesContact =
            (email !== '' && email === original?.email) ||
            [original?.phone, original?.mobile].includes(row?.phone ?? '-');
          expect(sharesContact, `${defect.sourceKey} ~ ${defect.duplicateOf}`).toBe(true);
          expect(`${row?.first_name} ${row?.last_name}`).not.toBe(
            `${original?.first_name} ${original?.last_name}`,
          );
          // The same person, born the same day: the copy has the original's birth date or none.
          expect(['', original?.birth_date]).toContain(row?.birth_date);
          break;
        }
        default:
          throw new Error(`unexpected contact defect ${defect.kind}`);
      }
    }
    expect(kinds.size).toBe(8);
  });

  it('gives each person their own mailbox: an e-mail is shared only by a near duplicate and its original', () => {
    const sharing = new Map<string, string[]>();
    for (const row of contacts) {
      const email = (row.email ?? '').toLowerCase();
      if (email === '' || email.endsWith('@example.test')) continue;
      sharing.set(email, [...(sharing.get(email) ?? []), row.contact_id ?? '']);
    }
    const duplicateOf = new Map(
      manifest.defects
        .filter((defect) => defect.entity === 'contact' && defect.kind === 'near_duplicate')
        .map((defect) => [defect.sourceKey, defect.duplicateOf]),
    );
    const shared = [...sharing.values()].filter((ids) => ids.length > 1);
    expect(shared.length).toBeGreaterThan(5);
    for (const ids of shared) {
      // One original and its copies: every other id is a near duplicate of the same record.
      const originals = new Set(ids.map((id) => duplicateOf.get(id) ?? id));
      expect(originals.size, ids.join(', ')).toBe(1);
    }
  });

  it('gives each company its own web domain: a domain is shared only by a near duplicate and its original', () => {
    const domainOf = (website: string) =>
      website
        .replace(/^https?:\/\//, '')
        .replace(/^www\./, '')
        .replace(/\.(fr|com)$/, '');
    const duplicateOf = new Map(
      defectsOf('company')
        .filter((defect) => defect.kind === 'near_duplicate')
        .map((defect) => [defect.sourceKey, defect.duplicateOf]),
    );
    const sharing = new Map<string, string[]>();
    for (const company of companies) {
      if ((company.website ?? '') === '') continue;
      const domain = domainOf(company.website ?? '');
      sharing.set(domain, [...(sharing.get(domain) ?? []), company.company_id ?? '']);
    }
    expect(sharing.size).toBeGreaterThan(400);
    for (const ids of sharing.values()) {
      expect(new Set(ids.map((id) => duplicateOf.get(id) ?? id)).size, ids.join(', ')).toBe(1);
    }
  });

  it('shows each company, deal and activity defect in its row', () => {
    const contactIds = new Set(contacts.map((row) => row.contact_id));
    for (const defect of defectsOf('company')) {
      const row = companies[defect.line - 2];
      if (defect.kind === 'missing_required') expect(row?.name).toBe('');
      else {
        expect(defect.kind).toBe('near_duplicate');
        const original = companies.find((other) => other.company_id === defect.duplicateOf);
        expect(row?.siren).toBe(original?.siren);
        expect(row?.city).toBe(original?.city);
      }
    }
    for (const defect of defectsOf('deal')) {
      const row = rowAtLine(deals, defect.line);
      if (defect.kind === 'invalid_amount') expect(row?.amount).toMatch(/^(n\/a|N\/A|[\d.]+(,\d+){2,})$/);
      else if (defect.kind === 'unknown_parent') expect(contactIds.has(row?.contact_id)).toBe(false);
      else expect([defect.kind, row?.title]).toEqual(['missing_required', '']);
    }
    for (const defect of defectsOf('activity')) {
      const row = activities.find((other) => other.activity_id === defect.sourceKey);
      expect(defect.kind).toBe('invalid_date');
      expect(isRealDate(row?.date ?? '')).toBe(false);
    }
    expect(defectsOf('deal').map((defect) => defect.kind)).toEqual(
      expect.arrayContaining(['invalid_amount', 'unknown_parent', 'missing_required']),
    );
  });

  it('puts at most one defect on a record, and gives each kind the fate the plan will give it', () => {
    const places = manifest.defects.map((defect) => `${defect.file}:${defect.line}`);
    expect(new Set(places).size).toBe(places.length);
    const fates = Object.fromEntries(manifest.defects.map((defect) => [defect.kind, defect.expected]));
    expect(fates).toEqual({
      missing_required: { fate: 'rejected', reason: 'REQUIRED_MISSING' },
      invalid_date: { fate: 'rejected', reason: 'INVALID_DATE' },
      invalid_amount: { fate: 'rejected', reason: 'INVALID_AMOUNT' },
      unknown_parent: { fate: 'rejected', reason: 'UNKNOWN_PARENT' },
      duplicate_key: { fate: 'rejected', reason: 'DUPLICATE_SOURCE_KEY' },
      test_record: { fate: 'skipped', rule: 'test-records' },
      invalid_email: { fate: 'loaded' },
      invalid_phone: { fate: 'loaded' },
      near_duplicate: { fate: 'loaded' },
    });
  });

  it('never points a record at one that will be rejected or skipped, so a reject never cascades', () => {
    const removed = (entity: Defect['entity']) =>
      new Set(
        defectsOf(entity)
          .filter((defect) => defect.expected.fate !== 'loaded' && defect.kind !== 'duplicate_key')
          .map((defect) => defect.sourceKey),
      );
    const removedCompanies = removed('company');
    const removedContacts = removed('contact');
    const removedDeals = removed('deal');
    const references = [
      ...contacts.map((row) => row.company_id).filter((id) => removedCompanies.has(id ?? '')),
      ...deals.map((row) => row.company_id).filter((id) => removedCompanies.has(id ?? '')),
      ...deals.map((row) => row.contact_id).filter((id) => removedContacts.has(id ?? '')),
      ...activities
        .flatMap((row) => [
          removedContacts.has(row.contact_id ?? '') ? row.contact_id : undefined,
          removedCompanies.has(row.company_id ?? '') ? row.company_id : undefined,
          removedDeals.has(row.deal_id ?? '') ? row.deal_id : undefined,
        ])
        .filter((id) => id !== undefined),
    ];
    expect(removedContacts.size).toBeGreaterThan(0);
    expect(references).toEqual([]);
    // And every other reference names a record that exists.
    const ids = (rows: Row[], column: string) => new Set(rows.map((row) => row[column]));
    const [companyIds, contactIds, dealIds, userIds] = [
      ids(companies, 'company_id'),
      ids(contacts, 'contact_id'),
      ids(deals, 'deal_id'),
      new Set(users.map((user) => user.user_id)),
    ];
    const unknownParents = new Set(
      defectsOf('contact')
        .concat(defectsOf('deal'))
        .filter((defect) => defect.kind === 'unknown_parent')
        .map((defect) => defect.sourceKey),
    );
    const dangling = [
      ...contacts.filter(
        (row) =>
          row.company_id !== '' &&
          !companyIds.has(row.company_id) &&
          !unknownParents.has(row.contact_id ?? ''),
      ),
      ...deals.filter(
        (row) =>
          row.contact_id !== '' && !contactIds.has(row.contact_id) && !unknownParents.has(row.deal_id ?? ''),
      ),
      ...activities.filter((row) => row.deal_id !== '' && !dealIds.has(row.deal_id)),
      ...[...contacts, ...deals, ...activities, ...companies].filter(
        (row) => !userIds.has(row.owner_id ?? ''),
      ),
    ];
    expect(dangling).toEqual([]);
  });
});

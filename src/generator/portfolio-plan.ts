import { yamlScalar } from '../core/plan/yaml-scalar.js';
import { fecEntitiesYaml } from '../domains/accounting/fec-entities-yaml.js';
import { TEST_RECORDS_RULE } from './manifest.js';

export interface PortfolioPlanOptions {
  /** Where the migration writes. Default: the embedded SQLite file `target.db` next to the plan. */
  readonly target?: { readonly type: 'sqlite' | 'postgres'; readonly url: string; readonly schema?: string };
  /** Include the CRM entities (default true, as `generatePortfolio` writes the CRM by default). */
  readonly crm?: boolean;
}

const targetSection = (target: NonNullable<PortfolioPlanOptions['target']>): string => {
  const lines = [
    '# Where the migration writes: the canonical model, one table per entity.',
    'target:',
    `  type: ${target.type}`,
    target.type === 'postgres'
      ? `  url: ${yamlScalar(target.url)} # a password is never written here: use \${VAR}`
      : `  url: ${yamlScalar(target.url)}`,
  ];
  if (target.schema !== undefined) lines.push(`  schema: ${yamlScalar(target.schema)}`);
  return lines.join('\n');
};

const accounting = `
dossiers:
  # The accounting firm's client list: one row per dossier (a client company). dossier_id names the
  # folder fec/<dossier_id>/ that holds the dossier's FEC; the other columns are kept as attributes.
  registry:
    source: { type: csv, path: registry.csv, encoding: utf-8, delimiter: ',' }
    id: dossier_id
    name: client_name
    attributes: [siren, naf, size, fiscal_year_start, fiscal_year_end, software, postcode, city]

entities:
  # ---------------------------------------------------------------------------------------------------
  # Accounting. Each dossier has one FEC (fichier des écritures comptables): the legal French export of
  # a year of bookkeeping, one line per entry line, 18 tab-separated columns, decimal comma, yyyyMMdd dates.
  # The FEC holds lines only: journals, accounts, third parties and entries are read off those lines.
  # ---------------------------------------------------------------------------------------------------

${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'registry' })}`;

const crm = `
  # ---------------------------------------------------------------------------------------------------
  # CRM. One legacy CRM export, migrated as a single dossier named crm. Loaded parents first: users,
  # companies, contacts, deals, activities. A reference holds the parent's id as the export writes it.
  # ---------------------------------------------------------------------------------------------------

  user:
    source: { type: json, path: crm/users.json }
    dossier: { value: crm }
    key: user_id
    fields:
      name: { from: name, transform: trim }
      email: { from: email, transform: [trim, lower] }
      active: active

  # Most "created" cells are real spreadsheet dates; rows typed by hand hold text in other layouts.
  company:
    source: { type: xlsx, path: crm/companies.xlsx, sheet: Companies }
    dossier: { value: crm }
    key: company_id
    fields:
      name: { from: name, transform: [trim, collapse_spaces], required: true }
      siren: { from: siren, transform: digits }
      vat_number: { from: vat, transform: [trim, upper] }
      website: { from: website, transform: trim }
      phone: phone
      address_line: { from: address, transform: trim }
      postcode: postcode
      city: { from: city, transform: trim }
      country: { from: country, transform: trim }
      naf_code: naf
      employees: employees
      owner_id: owner_id
      created_at:
        from: created
        formats: ["yyyy-MM-dd'T'HH:mm:ss.SSSX", 'yyyy-MM-dd HH:mm:ss', dd/MM/yyyy, yyyy-MM-dd]

  # Saved by Excel on a French Windows: Windows-1252, semicolons, CRLF. Birth dates come in three layouts.
  contact:
    source: { type: csv, path: crm/contacts.csv, encoding: windows-1252, delimiter: ';' }
    dossier: { value: crm }
    key: contact_id
    fields:
      first_name: { from: first_name, transform: [trim, collapse_spaces] }
      last_name: { from: last_name, transform: [trim, collapse_spaces], required: true }
      email: { from: email, transform: [trim, lower] }
      phone: { from: phone, transform: trim }
      mobile: { from: mobile, transform: trim }
      job_title: { from: job_title, transform: trim }
      company_id: company_id
      owner_id: owner_id
      postcode: postcode
      city: { from: city, transform: trim }
      birth_date: { from: birth_date, formats: [dd/MM/yyyy, yyyy-MM-dd, dd.MM.yyyy] }
      opt_in: opt_in
      created_at: { from: created_at, formats: ['yyyy-MM-dd HH:mm:ss'] }
    skip:
      # Test records left in production by the CRM's integrators.
      - rule: ${TEST_RECORDS_RULE}
        when: { field: email, matches: '@example\\.test$' }
    # \`cutover dedupe --entity contact\` finds the people typed twice (manifest: near_duplicate); the next run
    # loads one golden record per person and gives the others the fate \`merged\`.
    dedupe:
      fields:
        - { column: first_name, kind: first_name }
        - { column: last_name, kind: last_name }
        - { column: birth_date, kind: date }
        - { column: email, kind: email }
        - { column: phone, kind: phone }
        - { column: postcode, kind: postcode }
      blocking: [[email], [phone], [last_name, first_name.initial], [first_name, postcode], [last_name, postcode]]

  # Amounts as people typed them: 1234.50, 1 234,50, 980 (decimal: auto reads the last mark as decimal).
  deal:
    source: { type: csv, path: crm/deals.csv, encoding: utf-8, delimiter: ',' }
    dossier: { value: crm }
    key: deal_id
    fields:
      name: { from: title, transform: trim, required: true }
      amount: { from: amount, decimal: auto }
      currency: { from: currency, transform: [trim, upper], default: EUR }
      stage: stage
      close_date: { from: close_date, formats: [dd/MM/yyyy] }
      company_id: company_id
      contact_id: contact_id
      owner_id: owner_id
      created_at: { from: created_at, formats: ['yyyy-MM-dd HH:mm:ss'] }

  # Calls, e-mails, meetings and notes. A body may span several lines inside quotes.
  activity:
    source: { type: csv, path: crm/activities.csv, encoding: utf-8, delimiter: ',' }
    dossier: { value: crm }
    key: activity_id
    fields:
      kind: { from: type, transform: [trim, lower] }
      subject: subject
      body: body
      occurred_at: { from: date, formats: ['yyyy-MM-dd HH:mm:ss', yyyy-MM-dd] }
      contact_id: contact_id
      company_id: company_id
      deal_id: deal_id
      owner_id: owner_id
`;

/**
 * The plan (`cutover.yaml`, written next to the generated files) that migrates a portfolio written by
 * `generatePortfolio`. Under this plan every defect listed in `manifest.json` gets the fate recorded there.
 */
export const portfolioPlan = (options: PortfolioPlanOptions = {}): string => {
  const target = options.target ?? { type: 'sqlite', url: 'target.db' };
  const withCrm = options.crm ?? true;
  return `# cutover.yaml: migrates the synthetic portfolio written by \`cutover generate\`.
#
# An accounting firm's client dossiers (registry.csv and one FEC per dossier under fec/)${withCrm ? ',\n# and one CRM export (crm/), migrated as a dossier named crm' : ''}.
# Paths are relative to this file. manifest.json lists every defect injected on purpose and the fate
# (loaded, skipped, or rejected with its reason) this plan gives it.
version: 1
name: synthetic-portfolio

${targetSection(target)}

# A dossier stops when more than 10 % of what it reads is rejected (the known defects stay far below).
thresholds:
  maxRejectedRatio: 0.1
${accounting}${withCrm ? crm : ''}`;
};

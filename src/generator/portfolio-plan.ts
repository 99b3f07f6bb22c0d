import { TEST_RECORDS_RULE } from './manifest.js';

export interface PortfolioPlanOptions {
  /** Where the migration writes. Default: the embedded SQLite file `target.db` next to the plan. */
  readonly target?: { readonly type: 'sqlite' | 'postgres'; readonly url: string; readonly schema?: string };
  /** Include the CRM entities (default true, as `generatePortfolio` writes the CRM by default). */
  readonly crm?: boolean;
}

/** A YAML scalar: plain when it is safe to read as such, double-quoted (JSON escapes are valid YAML) otherwise. */
const scalar = (text: string): string => (/^[A-Za-z0-9_./-]+$/.test(text) ? text : JSON.stringify(text));

const targetSection = (target: NonNullable<PortfolioPlanOptions['target']>): string => {
  const lines = [
    '# Where the migration writes: the canonical model, one table per entity.',
    'target:',
    `  type: ${target.type}`,
    target.type === 'postgres'
      ? `  url: ${scalar(target.url)} # a password is never written here: use \${VAR}`
      : `  url: ${scalar(target.url)}`,
  ];
  if (target.schema !== undefined) lines.push(`  schema: ${scalar(target.schema)}`);
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
    attributes: [siren, naf, size, fiscal_year_start, fiscal_year_end, software]

entities:
  # ---------------------------------------------------------------------------------------------------
  # Accounting. Each dossier has one FEC (fichier des écritures comptables): the legal French export of
  # a year of bookkeeping, one line per entry line, 18 tab-separated columns, decimal comma, yyyyMMdd dates.
  # The FEC holds lines only: journals, accounts, third parties and entries are read off those lines.
  # ---------------------------------------------------------------------------------------------------

  # The fiscal year each FEC covers, from the registry (a FEC is produced when a year is closed). It is keyed
  # by its closing date, as the FEC's lines name it (field fiscal_year_end, read off the file name
  # SIRENFECYYYYMMDD), so that a dossier's years N and N-1 are two fiscal years.
  fiscal_year:
    source: { type: csv, path: registry.csv, encoding: utf-8, delimiter: ',' }
    dossier: { field: dossier_id }
    key: fiscal_year_end
    fields:
      start_date: { from: fiscal_year_start, formats: [yyyy-MM-dd], required: true }
      end_date: { from: fiscal_year_end, formats: [yyyy-MM-dd], required: true }
      closed: { value: true }

  # Journals: AN à-nouveaux (opening balances), AC purchases, VE sales, CA cash, BQ bank, OD other.
  # distinct: every line repeats its journal; the first line is the journal record, the repeats are not
  # records of their own. Values are read without fixed-width padding.
  journal:
    source: &fec { type: fec, path: 'fec/{dossier}/*FEC*.txt' }
    key: JournalCode
    distinct: true
    fields:
      code: JournalCode
      label: JournalLib
      kind:
        from: JournalCode
        map: { AN: opening, AC: purchases, VE: sales, CA: cash, BQ: bank, OD: miscellaneous }
        default: other

  # The chart of accounts (PCG, plan comptable général) each dossier uses. account_number is CompteNum
  # brought to the firm's chart (source option accounts: length and mapping table; none here), pcg_class
  # its first digit.
  account:
    source: *fec
    key: account_number
    distinct: true
    fields:
      number: account_number
      label: CompteLib
      pcg_class: pcg_class

  # Third parties (tiers): customers C0001... on account 411, suppliers F0001... on 401, named by
  # CompAuxNum on their lines; third_party_kind comes from the account (40 supplier, 41 customer, 42 staff).
  # A line without CompAuxNum has an empty key: it is no third party.
  third_party:
    source: *fec
    key: CompAuxNum
    distinct: true
    fields:
      number: CompAuxNum
      name: { from: CompAuxLib, transform: collapse_spaces }
      general_account: account_number
      kind: third_party_kind

  # Entries (écritures): the lines sharing fiscal year, JournalCode and entry_key (EcritureNum, or
  # PieceRef + EcritureDate when the software did not number entries). Read from the entry's first line.
  entry:
    source: *fec
    key: [fiscal_year_end, JournalCode, entry_key]
    distinct: true
    fields:
      journal_id: JournalCode
      fiscal_year_id: fiscal_year_end
      number: EcritureNum
      date: { from: EcritureDate, formats: [yyyyMMdd], required: true }
      label: EcritureLib
      piece_ref: PieceRef
      piece_date: { from: PieceDate, formats: [yyyyMMdd] }
      validated_on: { from: ValidDate, formats: [yyyyMMdd] }

  # Entry lines: every FEC line. Several lines of one entry may look alike, so the key adds the record
  # number. EcritureLet / DateLet are the lettering (lettrage): the code pairing an invoice with its payment.
  entry_line:
    source: *fec
    key: [fiscal_year_end, JournalCode, entry_key, $record]
    fields:
      entry_id: { from: [fiscal_year_end, JournalCode, entry_key] }
      account_id: account_number
      third_party_id: CompAuxNum
      line_number: { from: $record }
      label: EcritureLib
      debit: { from: Debit, decimal: ',', required: true }
      credit: { from: Credit, decimal: ',', required: true }
      lettering_code: EcritureLet
      lettering_date: { from: DateLet, formats: [yyyyMMdd] }
      currency_amount: { from: Montantdevise, decimal: ',' }
      currency_code: Idevise
`;

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

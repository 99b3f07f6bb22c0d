import { yamlScalar } from '../../core/plan/yaml-scalar.js';

/**
 * The plan entities that migrate FEC files into the canonical accounting model: journals, accounts, third parties,
 * fiscal years, entries and lines, all read off the FEC's lines and their derived fields (see the FEC source in
 * the README). Written as commented YAML so that `cutover init --fec` and the demo give a plan a person can read
 * and adapt (a firm's chart mapping, say).
 */
export interface FecEntitiesOptions {
  /** The FEC files, relative to the plan; `{dossier}` names the dossier folder. */
  readonly path: string;
  /**
   * Where fiscal years come from: `registry` (the dossier registry's fiscal_year_start / fiscal_year_end columns,
   * the registry being `registry.csv`) or `file` (the FEC's file name, SIRENFECYYYYMMDD).
   */
  readonly fiscalYears: 'registry' | 'file';
  /** Firm chart options for the FEC source (`accounts:` of the source). */
  readonly accounts?: { readonly length?: number; readonly mapping?: string };
}

const sourceYaml = (options: FecEntitiesOptions): string => {
  const parts = ['type: fec', `path: ${yamlScalar(options.path)}`];
  const { accounts } = options;
  if (accounts !== undefined) {
    const chart = [
      ...(accounts.length === undefined ? [] : [`length: ${accounts.length}`]),
      ...(accounts.mapping === undefined ? [] : [`mapping: ${yamlScalar(accounts.mapping)}`]),
    ];
    parts.push(`accounts: { ${chart.join(', ')} }`);
  }
  return `{ ${parts.join(', ')} }`;
};

const registryFiscalYear = `  # The fiscal year each FEC covers, from the registry (a FEC is produced when a year is closed). It is keyed
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

`;

const fileFiscalYear = `  # The fiscal year each FEC covers, read off its file name (SIRENFECYYYYMMDD gives the closing date; the
  # opening date is taken a year earlier plus a day). Keyed by its closing date, so that a dossier's years
  # N and N-1 are two fiscal years.
  fiscal_year:
    source: *fec
    key: fiscal_year_end
    distinct: true
    fields:
      start_date: { from: fiscal_year_start, formats: [yyyy-MM-dd] }
      end_date: { from: fiscal_year_end, formats: [yyyy-MM-dd], required: true }
      closed: { value: true }

`;

/** The `entities:` entries (indented by two spaces) for FEC files; the caller writes the `entities:` line. */
export const fecEntitiesYaml = (options: FecEntitiesOptions): string => {
  const source = sourceYaml(options);
  const entities = `  # Journals: AN à-nouveaux (opening balances), AC purchases, VE sales, CA cash, BQ bank, OD other.
  # distinct: every line repeats its journal; the first line is the journal record, the repeats are not
  # records of their own. Values are read without fixed-width padding.
  journal:
    source: &fec ${source}
    key: JournalCode
    distinct: true
    fields:
      code: JournalCode
      label: JournalLib
      kind:
        from: JournalCode
        # Codes are each software's own: the usual ones are listed; add the firm's.
        map:
          { AN: opening, ANO: opening, RAN: opening, AC: purchases, ACH: purchases, HA: purchases,
            VE: sales, VT: sales, VEN: sales, CA: cash, CAI: cash, BQ: bank, BQ1: bank, BQ2: bank,
            BAN: bank, OD: miscellaneous }
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

  # Entry lines: every FEC line. Several lines of one entry may look alike, so the key numbers them within
  # their entry ($occurrence: 1, 2... in file order): a line keeps its key, hence its target id, when a later
  # export adds or removes other entries. EcritureLet / DateLet are the lettering (lettrage): the code
  # pairing an invoice with its payment.
  entry_line:
    source: *fec
    key: [fiscal_year_end, JournalCode, entry_key, $occurrence]
    fields:
      entry_id: { from: [fiscal_year_end, JournalCode, entry_key] }
      account_id: { from: account_number, required: true } # a line without its account is no FEC line
      third_party_id: CompAuxNum
      line_number: { from: $occurrence }
      label: EcritureLib
      debit: { from: Debit, decimal: ',', required: true }
      credit: { from: Credit, decimal: ',', required: true }
      lettering_code: EcritureLet
      lettering_date: { from: DateLet, formats: [yyyyMMdd] }
      currency_amount: { from: Montantdevise, decimal: ',' }
      currency_code: Idevise
`;
  return options.fiscalYears === 'registry'
    ? `${registryFiscalYear}${entities}`
    : `${entities}\n${fileFiscalYear}`;
};

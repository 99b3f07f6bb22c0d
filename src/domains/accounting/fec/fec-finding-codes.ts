/**
 * How serious a finding is. `error`: the file does not meet the norm or the books do not hold (the tax
 * administration may reject it); `alert`: legal but unusual, to look at before migrating; `missing-data`: an
 * expected value is absent, the file is still usable.
 */
export const FecSeverity = { ERROR: 'error', ALERT: 'alert', MISSING_DATA: 'missing-data' } as const;
export type FecSeverity = (typeof FecSeverity)[keyof typeof FecSeverity];

const finding = (severity: FecSeverity, explanation: string) => ({ severity, explanation }) as const;
const { ERROR, ALERT, MISSING_DATA } = FecSeverity;

/**
 * Every finding the FEC validator can report. Codes are stable (scripts and evidence packs rely on them); the
 * explanation is the one line an accountant reads. Those marked (TCD) are also checked by the DGFiP's
 * Test Compta Demat; the others are what it does not check.
 */
export const FEC_FINDINGS = {
  // The file and its name
  FILE_NAME_NOT_STANDARD: finding(
    ALERT,
    'The file name does not follow SIRENFECAAAAMMJJ (SIREN, "FEC", closing date)',
  ),
  SIREN_NOT_9_DIGITS: finding(ALERT, 'The SIREN in the file name does not have 9 digits'),
  SIREN_CHECK_DIGIT: finding(
    ALERT,
    'The SIREN in the file name fails its check digit (Luhn): a typing error?',
  ),
  CLOSING_DATE_INVALID: finding(ERROR, 'The closing date in the file name is not a real date AAAAMMJJ'),
  SPLIT_PART_MISSING: finding(ERROR, 'A part of a split FEC (_1, _2…) is missing'),
  FILE_EMPTY: finding(ERROR, 'The file has no header line (TCD)'),
  ENCODING_UTF16: finding(
    ERROR,
    'The file is UTF-16 (read from its byte-order mark): the norm asks for ASCII, ISO-8859-15 or UTF-8',
  ),
  ENCODING_FALLBACK: finding(
    ALERT,
    'Lines are not valid UTF-8: read in a legacy code page (every byte kept)',
  ),
  // Header
  HEADER_MISSING_COLUMN: finding(ERROR, 'A required column is absent from the header (TCD)'),
  HEADER_DUPLICATE_COLUMN: finding(ERROR, 'A column appears twice in the header (TCD)'),
  HEADER_UNKNOWN_COLUMN: finding(ALERT, 'The header names a column the norm does not define'),
  HEADER_COLUMN_ORDER: finding(ALERT, 'The columns are not in the order of the norm (TCD)'),
  SPLIT_HEADER_MISMATCH: finding(ERROR, 'A part of a split FEC has another header than the first part'),
  // Lines (format)
  FIELD_COUNT: finding(
    ERROR,
    'The line does not have as many fields as the header (TCD); it was not checked further',
  ),
  MANDATORY_FIELD_EMPTY: finding(ERROR, 'A mandatory field is empty (TCD)'),
  EXPECTED_FIELD_EMPTY: finding(MISSING_DATA, 'A field the norm asks for is empty'),
  DATE_INVALID: finding(ERROR, 'A date is not a real calendar date written AAAAMMJJ (TCD)'),
  AMOUNT_NOT_NUMERIC: finding(ERROR, 'An amount is not a number (counted as 0 in the balances) (TCD)'),
  AMOUNT_EMPTY: finding(ERROR, 'An amount is empty (counted as 0) (TCD)'),
  AMOUNT_THOUSANDS_SEPARATOR: finding(
    ERROR,
    'An amount has a thousands separator: refused, counted as 0 (TCD)',
  ),
  AMOUNT_DOT_DECIMAL: finding(
    ERROR,
    'An amount uses "." as decimal separator; the norm asks for "," since 2019 (read as written) (TCD)',
  ),
  AMOUNT_SUBCENT: finding(ALERT, 'An amount has more than two decimals (read exactly)'),
  AMOUNT_NEGATIVE: finding(ALERT, 'A negative amount (a negative debit is normally written as a credit)'),
  SENS_INVALID: finding(ERROR, 'Sens is not D, C, +1 or -1 (the amount is counted as 0) (TCD)'),
  ACCOUNT_NOT_THREE_DIGITS: finding(
    ERROR,
    'CompteNum does not start with three digits of the Plan comptable général (TCD)',
  ),
  DEBIT_AND_CREDIT: finding(ERROR, 'Debit and Credit are both filled (non-zero) on one line (TCD)'),
  ZERO_AMOUNT_LINE: finding(ALERT, 'Debit and Credit are both zero on one line'),
  AUX_ACCOUNT_INCOMPLETE: finding(MISSING_DATA, 'CompAuxNum without CompAuxLib, or the reverse'),
  LETTERING_DATE_INCOMPLETE: finding(MISSING_DATA, 'EcritureLet without DateLet, or the reverse'),
  CURRENCY_AMOUNT_WITHOUT_CODE: finding(
    ALERT,
    'Montantdevise is filled but Idevise (currency code) is empty',
  ),
  CURRENCY_CODE_WITHOUT_AMOUNT: finding(ALERT, 'Idevise is filled but Montantdevise is empty'),
  // The books (beyond Test Compta Demat)
  ENTRY_UNBALANCED: finding(ERROR, 'An entry (écriture) is not balanced: its debits differ from its credits'),
  TOTALS_UNBALANCED: finding(ERROR, 'Total debits differ from total credits'),
  ENTRY_DATES_DIFFER: finding(ERROR, 'The lines of one entry carry different EcritureDate'),
  NUMBERING_MISSING: finding(
    ALERT,
    'EcritureNum is empty or 0 everywhere: entries were grouped by PieceRef + EcritureDate + JournalCode',
  ),
  NUMBERING_GAP: finding(ALERT, 'EcritureNum is not a continuous sequence: numbers are missing'),
  NUMBERING_RESTARTS: finding(
    ALERT,
    'An EcritureNum is used again in the same journal for a later entry (numbering restarts)',
  ),
  VALID_DATE_ORDER: finding(
    ALERT,
    'ValidDate goes back in time along the entry numbering (validations should be chronological)',
  ),
  DATE_AFTER_CLOSING: finding(ERROR, 'EcritureDate is after the closing date of the fiscal year (file name)'),
  DATE_BEFORE_FISCAL_YEAR: finding(
    ERROR,
    'EcritureDate is before the earliest start of the fiscal year (23 months before closing)',
  ),
  OPENING_NOT_FIRST: finding(ALERT, 'Opening entries (à-nouveaux) come after other entries in the file'),
  LETTERING_NOT_NETTING: finding(
    ALERT,
    'A lettering group (EcritureLet on one account) does not net to zero: partial lettering?',
  ),
} as const;

export type FecFindingCode = keyof typeof FEC_FINDINGS;

/**
 * A plan that migrates one FEC file as one dossier, with no registry (so no SIREN and no fiscal year): the accounting
 * entities of the portfolio plan, read off the FEC lines alone.
 */
export const fecOnlyPlan = (fecPath: string, dossier: string): string => `version: 1
name: one-fec
target: { type: sqlite, url: target.db }
entities:
  journal:
    source: &fec { type: fec, path: ${JSON.stringify(fecPath)} }
    dossier: &dossier { value: ${JSON.stringify(dossier)} }
    key: JournalCode
    distinct: true
    fields:
      code: JournalCode
      label: { from: JournalLib, transform: trim }
  account:
    source: *fec
    dossier: *dossier
    key: CompteNum
    distinct: true
    fields:
      number: CompteNum
      label: { from: CompteLib, transform: trim }
  third_party:
    source: *fec
    dossier: *dossier
    key: CompAuxNum
    distinct: true
    fields:
      number: CompAuxNum
      name: { from: CompAuxLib, transform: [trim, collapse_spaces] }
      general_account: CompteNum
  entry:
    source: *fec
    dossier: *dossier
    key: [JournalCode, EcritureNum]
    distinct: true
    fields:
      journal_id: JournalCode
      number: EcritureNum
      date: { from: EcritureDate, formats: [yyyyMMdd], required: true }
      label: { from: EcritureLib, transform: trim }
      piece_ref: PieceRef
      piece_date: { from: PieceDate, formats: [yyyyMMdd] }
      validated_on: { from: ValidDate, formats: [yyyyMMdd] }
  entry_line:
    source: *fec
    dossier: *dossier
    key: [JournalCode, EcritureNum, $record]
    fields:
      entry_id: { from: [JournalCode, EcritureNum] }
      account_id: CompteNum
      third_party_id: CompAuxNum
      line_number: { from: $record }
      label: { from: EcritureLib, transform: trim }
      debit: { from: Debit, decimal: ',', required: true }
      credit: { from: Credit, decimal: ',', required: true }
      lettering_code: EcritureLet
      lettering_date: { from: DateLet, formats: [yyyyMMdd] }
      currency_amount: { from: Montantdevise, decimal: ',' }
      currency_code: Idevise
`;

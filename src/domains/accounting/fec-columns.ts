/**
 * The FEC (Fichier des Écritures Comptables, article A47 A-1 of the Livre des procédures fiscales): the accounting
 * export every French accounting software writes. These are its 18 standard columns as the norm spells them.
 */
export const FEC_STANDARD_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

/**
 * Variants the norm allows: Montant + Sens instead of Debit + Credit, and the settlement columns of cash-basis
 * taxpayers (agricultural BA and non-commercial BNC profits).
 */
export const FEC_VARIANT_COLUMNS = ['Montant', 'Sens', 'DateRglt', 'ModeRglt', 'NatOp', 'IdClient'] as const;

/**
 * The accounts a small French business uses, from the PCG (plan comptable général, the national chart of
 * accounts): class 1 equity and loans, 2 fixed assets, 4 third parties and taxes, 5 bank and cash, 6 expenses,
 * 7 revenue. Legacy software pads the PCG root with zeros to a fixed width (401 -> 401000 or 40100000).
 */
// prettier-ignore
export const pcgAccounts = {
  capital: ['1013', 'Capital souscrit - appelé, versé'],
  legalReserve: ['1061', 'Réserve légale'],
  otherReserves: ['1068', 'Autres réserves'],
  retainedLoss: ['119', 'Report à nouveau (solde débiteur)'],
  result: ['120', "Résultat de l'exercice (bénéfice)"],
  loan: ['164', 'Emprunts auprès des établissements de crédit'],
  equipment: ['2154', 'Matériel industriel'],
  officeEquipment: ['2183', 'Matériel de bureau et informatique'],
  vehicles: ['2182', 'Matériel de transport'],
  equipmentDepreciation: ['28154', 'Amortissements du matériel industriel'],
  officeDepreciation: ['28183', 'Amort. matériel de bureau et informatique'],
  vehicleDepreciation: ['28182', 'Amort. matériel de transport'],
  suppliers: ['401', 'Fournisseurs'],
  customers: ['411', 'Clients'],
  staff: ['421', 'Personnel - rémunérations dues'],
  social: ['431', 'Sécurité sociale'],
  vatPayable: ['44551', 'TVA à décaisser'],
  vatDeductible: ['44566', 'TVA déductible sur autres biens et services'],
  vatCredit: ['44567', 'Crédit de TVA à reporter'],
  vatCollected: ['44571', 'TVA collectée'],
  bank: ['512', 'Banque'],
  cash: ['53', 'Caisse'],
  rawMaterials: ['601', 'Achats stockés - matières premières'],
  utilities: ['6061', 'Fournitures non stockables (eau, énergie)'],
  officeSupplies: ['6064', 'Fournitures administratives'],
  goods: ['607', 'Achats de marchandises'],
  subcontracting: ['611', 'Sous-traitance générale'],
  rent: ['6132', 'Locations immobilières'],
  maintenance: ['615', 'Entretien et réparations'],
  insurance: ['616', "Primes d'assurances"],
  fees: ['6226', 'Honoraires'],
  advertising: ['623', 'Publicité, publications, relations publiques'],
  travel: ['6251', 'Voyages et déplacements'],
  telecom: ['626', 'Frais postaux et de télécommunications'],
  bankFees: ['627', 'Services bancaires et assimilés'],
  wages: ['6411', 'Salaires, appointements'],
  socialCharges: ['6451', "Cotisations à l'URSSAF"],
  interest: ['6611', 'Intérêts des emprunts et dettes'],
  depreciation: ['68112', 'Dotations aux amortissements des immobilisations corporelles'],
  productSales: ['701', 'Ventes de produits finis'],
  works: ['704', 'Travaux'],
  services: ['706', 'Prestations de services'],
  goodsSales: ['707', 'Ventes de marchandises'],
} as const satisfies Record<string, readonly [string, string]>;

export type AccountKey = keyof typeof pcgAccounts;

export interface Account {
  /** CompteNum as the legacy software writes it. */
  readonly number: string;
  /** CompteLib, with the software's quirks (capitals, padding). */
  readonly label: string;
}

/** How one legacy software writes account numbers and labels. */
export interface AccountStyle {
  readonly width: number;
  readonly upperCaseLabels: boolean;
  /** Fixed-width exports pad labels with spaces; 0 for none. */
  readonly labelWidth: number;
}

export const accountOf = (key: AccountKey, style: AccountStyle): Account => {
  const [root, label] = pcgAccounts[key];
  const text = style.upperCaseLabels ? label.toUpperCase() : label;
  return { number: root.padEnd(style.width, '0'), label: text.padEnd(style.labelWidth, ' ') };
};

/** The accounts of one dossier, created on first use: the FEC lists only accounts that have lines. */
export const chartFor = (style: AccountStyle): ((key: AccountKey) => Account) => {
  const accounts = new Map<AccountKey, Account>();
  return (key) => {
    let found = accounts.get(key);
    if (found === undefined) {
      found = accountOf(key, style);
      accounts.set(key, found);
    }
    return found;
  };
};

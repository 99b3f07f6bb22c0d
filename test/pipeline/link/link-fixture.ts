import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomCompanyName } from '../../../src/generator/names.js';
import { createRandom } from '../../../src/generator/random.js';
import { randomSiren } from '../../../src/generator/siren.js';
import { tempDir } from '../../support/stores.js';

/**
 * A registry, a CRM company export and third parties of two dossiers, with background records drawn by the
 * generator (so the model has something to learn from) around the named cases the tests look at.
 */
export const linkPlan = (link = '') => `version: 1
name: link-test
target: { type: sqlite, url: target.db }
dossiers:
  registry:
    source: { type: csv, path: registry.csv }
    id: dossier_id
    name: client_name
    attributes: [siren, postcode]
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { value: crm }
    key: company_id
    fields:
      name: name
      siren: { from: siren, transform: digits }
      vat_number: vat
      postcode: postcode
  third_party:
    source: { type: csv, path: third_parties.csv }
    dossier: { field: dossier }
    key: number
    fields:
      number: number
      name: name
      kind: kind
${link}`;

export interface LinkFixtureOptions {
  /** Every company's SIREN and VAT left empty. */
  readonly noSiren?: boolean;
  /** Companies all named "Boulangerie Martin" in 69003, beside the others: a block far over the cap. */
  readonly martins?: number;
  readonly link?: string;
}

const csv = (rows: readonly (readonly (string | null)[])[]): string =>
  `${rows.map((row) => row.map((value) => (value === null ? '' : /[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',')).join('\n')}\n`;

export const SIREN_EQUAL = '732829320';
export const SIREN_REGISTRY = '552100554';
export const SIREN_OTHER = '443061841';

export const writeLinkFixture = (options: LinkFixtureOptions = {}): string => {
  const dir = tempDir('cutover-link-');
  const random = createRandom(3, 'link-fixture');
  const registry: (string | null)[][] = [['dossier_id', 'client_name', 'siren', 'postcode']];
  const companies: (string | null)[][] = [['company_id', 'name', 'siren', 'vat', 'postcode']];
  const parties: (string | null)[][] = [['dossier', 'number', 'name', 'kind']];
  const siren = (value: string | null) => (options.noSiren ? null : value);

  for (let index = 0; index < 60; index++) {
    const id = `D${String(index + 1).padStart(2, '0')}`;
    const name = randomCompanyName(random, 'consulting');
    const number = randomSiren(random);
    const postcode = String(random.int(10, 95) * 1000);
    registry.push([id, name, number, postcode]);
    // Two thirds of the clients are in the CRM, retyped; some appear in the books of D01 or D02.
    if (index % 3 !== 0) {
      companies.push([
        `CO-C${index}`,
        index % 2 === 0 ? name.toUpperCase() : name,
        siren(index % 5 === 0 ? null : number),
        null,
        // A few moved since they became clients: the CRM has their new address.
        index % 8 === 1 ? '75011' : postcode,
      ]);
    }
    if (index % 7 === 0)
      parties.push([index % 2 === 0 ? 'D01' : 'D02', `C9${index}`, name.toUpperCase(), 'customer']);
  }
  for (let index = 0; index < 400; index++) {
    companies.push([
      `CO-P${index}`,
      randomCompanyName(random, 'retail'),
      siren(randomSiren(random)),
      null,
      String(random.int(10, 95) * 1000),
    ]);
  }
  for (const dossier of ['D01', 'D02']) {
    for (let index = 0; index < 150; index++) {
      parties.push([
        dossier,
        `F${index}`,
        randomCompanyName(random, 'wholesale'),
        index % 10 === 0 ? 'staff' : 'supplier',
      ]);
    }
  }

  // Equal SIRENs link whatever the names say.
  registry.push(['D90', 'Alpha Oméga Conseil', SIREN_EQUAL, '75008']);
  companies.push(['CO-EQUAL', 'Zèta Industries', siren('732 829 320'), null, '13001']);
  // Different SIRENs never link automatically, however alike the rest.
  registry.push(['D91', 'Boulangerie Vercingétorix', SIREN_REGISTRY, '69001']);
  companies.push(['CO-DIFF', 'Boulangerie Vercingétorix SARL', siren(SIREN_OTHER), null, '69001']);
  // A VAT number stands for a missing SIREN.
  registry.push(['D92', 'Ateliers Quetzal', '356000000', '35000']);
  companies.push(['CO-VAT', 'ATELIERS QUETZAL', null, options.noSiren ? null : 'FR39356000000', '35000']);
  // A client that moved, typed without SIREN: a name alone, the postcode against it. People decide.
  registry.push(['D93', 'Menuiserie Xolotl', '130005481', '44000']);
  companies.push(['CO-MOVED', 'MENUISERIE XOLOTL', null, null, '75011']);
  // The same name in two dossiers' books, and nowhere else: two clients' customers, not one company.
  parties.push(['D01', 'C-TWIN', 'Garage Tezcatlipoca', 'customer']);
  parties.push(['D02', 'C-TWIN', 'GARAGE TEZCATLIPOCA', 'customer']);
  // Nothing to link by.
  companies.push(['CO-EMPTY', '', null, null, '']);
  companies.push(['CO-DOTS', '...', null, null, '']);
  for (let index = 0; index < (options.martins ?? 0); index++) {
    companies.push([`CO-M${index}`, 'Boulangerie Martin', null, null, String(10000 + (index % 90) * 1000)]);
  }

  writeFileSync(path.join(dir, 'registry.csv'), csv(registry));
  writeFileSync(path.join(dir, 'companies.csv'), csv(companies));
  writeFileSync(path.join(dir, 'third_parties.csv'), csv(parties));
  writeFileSync(path.join(dir, 'cutover.yaml'), linkPlan(options.link));
  return dir;
};

/**
 * A small CRM export with one record of each common defect, and its plan: what the dry-run and replay tests
 * run. Fates are listed next to the rows so that the expected counts can be read off the fixture.
 */

export const crmPlan = (options: { batchSize?: number; birthFormats?: readonly string[] } = {}) => `version: 1
name: small-crm
target: { type: sqlite, url: target.db }
batchSize: ${options.batchSize ?? 5000}
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { value: crm }
    key: company_id
    fields:
      name: { from: name, required: true }
      city: city
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      first_name: first_name
      last_name: { from: last_name, required: true }
      email: { from: email, transform: [trim, lower] }
      birth_date: { from: birth_date, formats: [${(options.birthFormats ?? ['yyyy-MM-dd']).map((format) => `'${format}'`).join(', ')}] }
      company_id: company_id
    skip:
      - rule: test-records
        when: { field: email, matches: '@example\\.test$' }
`;

export const crmCompanies = [
  'company_id,name,city',
  'C1,Alpha,Lyon', // loaded
  'C2,Beta,Paris', // loaded
  'C3,Gamma,Nantes', // loaded
  'C4,Delta,Lille', // loaded
  'C5,,Brest', // REQUIRED_MISSING (name)
].join('\n');

export const crmContacts = [
  'contact_id,first_name,last_name,email,birth_date,company_id',
  'K1,Anne,Martin,anne@mail.fr,1980-01-02,C1', // loaded
  'K2,Bruno,Petit,bruno@mail.fr,1981-03-04,C2', // loaded (first of K2)
  'K3,Chloé,Durand,chloe@mail.fr,,', // loaded (no company)
  'K2,Bruno,Petit-Bis,bruno2@mail.fr,1981-03-04,C2', // DUPLICATE_SOURCE_KEY
  'K5,Emma,Leroy,emma@mail.fr,1983-05-06,C9', // UNKNOWN_PARENT (no C9)
  'K6,Fabien,Moreau,fabien@mail.fr,1984-07-08,C5', // UNKNOWN_PARENT (C5 rejected)
  'K7,Test,Record,qa@example.test,1985-09-10,C1', // skipped by test-records
  'K8,Hugo,Simon,hugo@mail.fr,1990-02-30,C3', // INVALID_DATE
  'K9,Inès,Laurent,ines@mail.fr,1986-11-12,C3', // loaded
  'K10,Jules,Lefebvre,jules@mail.fr,1987-12-13,C4', // loaded
].join('\n');

/** The counts per entity a run of the fixture gives, as the run summary reports them. */
export const crmExpectedEntities = {
  company: { recordsRead: 5, loaded: 4, skipped: 0, rejected: 1, repeats: 0 },
  contact: { recordsRead: 10, loaded: 5, skipped: 1, rejected: 4, repeats: 0 },
};

export const crmExpectedReasons = {
  'company REQUIRED_MISSING': 1,
  'contact DUPLICATE_SOURCE_KEY': 1,
  'contact UNKNOWN_PARENT': 2,
  'contact INVALID_DATE': 1,
};

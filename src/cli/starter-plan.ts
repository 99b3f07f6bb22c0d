import { fecEntitiesYaml } from '../domains/accounting/fec-entities-yaml.js';

/** The plan `cutover init` writes: every section commented, ready to edit. */
export const starterPlan = `# cutover plan: what to migrate, from where, to where, and with which rules.
# Reference: README.md, "Plan reference". Editors: \`cutover schema > cutover.schema.json\`.
version: 1
name: my-migration

# Where the new system is. SQLite (a file) to try things; PostgreSQL for real deployments:
#   target: { type: postgres, url: "postgres://cutover:\${TARGET_PASSWORD}@db.internal/newcrm", schema: cutover }
# Passwords never go in this file: name an environment variable with \${VAR}.
target:
  type: sqlite
  url: target.db

# Stop a dossier when more than this share of its records is rejected (exit code 3).
thresholds:
  maxRejectedRatio: 0.05

# Records per batch: one transaction and one checkpoint each.
batchSize: 5000

entities:
  company:
    source:
      type: csv            # csv | xlsx | json | ndjson | fec | sqlite | postgres | mysql
      path: exports/companies.csv
      encoding: auto       # auto | utf-8 | windows-1252 | iso-8859-15 | iso-8859-1 | ibm850
      delimiter: auto      # auto | "," | ";" | "\\t" | "|"
    key: Id                # the legacy id: the key of idempotent loads and of the id map
    fields:
      name: { from: Name, required: true, transform: trim }
      siren: { from: SIREN, transform: digits }
      postcode: PostCode
      created_at: { from: Created, formats: ["dd/MM/yyyy HH:mm", "yyyy-MM-dd"] }

  contact:
    source: { type: csv, path: exports/contacts.csv }
    key: Id
    fields:
      first_name: { from: FirstName, transform: trim }
      last_name: { from: LastName, transform: trim, required: true }
      email: { from: Email, transform: [trim, lower] }
      company_id: CompanyId          # a reference: the company's legacy id
      opt_in: { from: Newsletter, map: { Y: "true", N: "false" }, default: "false" }
    skip:
      - rule: test-records
        when: { field: Email, matches: "@example\\\\.(com|test)$" }
`;

/**
 * The plan `cutover init --fec PATH` writes: an accounting firm's FEC files, one folder per dossier when the path
 * holds `{dossier}`, migrated into journals, accounts, third parties, fiscal years, entries and lines.
 */
export const starterFecPlan = (
  path: string,
): string => `# cutover plan: a portfolio of FEC files (fichier des écritures comptables) into the canonical accounting
# model. Reference: README.md, "Plan reference" and "Sources" (the fields a FEC record carries).
version: 1
name: fec-migration

# Where the new books are. SQLite (a file) to try things; PostgreSQL for real deployments:
#   target: { type: postgres, url: "postgres://cutover:\${TARGET_PASSWORD}@db.internal/books", schema: cutover }
target:
  type: sqlite
  url: target.db

# Stop a dossier when more than this share of its records is rejected (exit code 3).
thresholds:
  maxRejectedRatio: 0.01

# A firm-wide chart: add to the FEC source below, e.g.
#   accounts: { length: 8, mapping: charts/firm-accounts.csv }   # CSV columns: from, to
entities:
${fecEntitiesYaml({ path, fiscalYears: 'file' })}`;

/**
 * The plan of the CRM tests that kill a run: companies.csv and contacts.csv of one dossier `crm`, a company's name
 * required, a contact's last name required and the `contactFields` given (YAML lines under the contact's fields,
 * indented by six spaces), with `tail` after them (a skip rule...). The target is target.db beside the plan unless
 * `target` gives another (YAML flow mapping).
 */
export const companiesContactsPlan = (
  name: string,
  options: { batchSize?: number; contactFields?: readonly string[]; tail?: string; target?: string } = {},
): string => `version: 1
name: ${name}
target: ${options.target ?? '{ type: sqlite, url: target.db }'}
${options.batchSize === undefined ? '' : `batchSize: ${options.batchSize}\n`}entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { value: crm }
    key: company_id
    fields:
      name: { from: name, required: true }
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
${['last_name: { from: last_name, required: true }', ...(options.contactFields ?? [])].map((line) => `      ${line}`).join('\n')}
${options.tail ?? ''}`;

/**
 * A plan of registry dossiers whose contacts are read from each dossier's folder (`crm/{dossier}/contacts.csv`),
 * for tests of a client whose folder holds no such file.
 */
export const registryContactsPlan = (name: string): string => `version: 1
name: ${name}
target: { type: sqlite, url: target.db }
dossiers:
  registry: { source: { type: csv, path: registry.csv }, id: dossier_id, name: name }
entities:
  contact:
    source: { type: csv, path: "crm/{dossier}/contacts.csv" }
    key: id
    fields:
      last_name: name
`;

import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { writeFiles } from './support/helpers.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';

/**
 * A reference column holds the parent's target id. Two clients (dossiers) of one target often use the same source
 * keys (C1, AC, 401000): a row pointing at the other client's parent of the same key is read back with that key,
 * and reconcile passed it, though the new system now attaches a client's contact (or entry) to another client's
 * company (or journal).
 */

interface ReconcileJson {
  ok: boolean;
  dossiers: {
    id: string;
    ok: boolean;
    entities: { entity: string; contentMismatches: number; samples: string[] }[];
  }[];
}

const plan = (target: string) => `version: 1
name: cross-dossier
target: ${target}
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { field: dossier }
    key: company_id
    fields:
      name: { from: name, required: true }
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: dossier }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
      company_id: company_id
`;

// The same keys in both dossiers, and the same names: only the dossier tells the two C1 apart.
const companies = 'dossier,company_id,name\nd1,C1,Acme\nd1,C2,Beta\nd2,C1,Acme\nd2,C2,Beta\n';
const contacts =
  'dossier,contact_id,last_name,company_id\nd1,P1,Martin,C1\nd1,P2,Petit,C2\nd2,P1,Martin,C1\n';

const ok = (result: CliResult): CliResult => {
  expect(result.code, describeResult(result)).toBe(0);
  return result;
};

const variants = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresAvailable },
] as const;

describe('reconcile and a reference to another dossier’s parent', () => {
  beforeAll(() => ensureBuilt(), 240_000);
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropPostgresSchema(schema);
  });

  for (const variant of variants) {
    it.runIf(variant.available)(
      `goes red when a contact is moved to the company of the same key in another dossier (${variant.name})`,
      async () => {
        const dir = tempDir('cutover-e2e-xref-');
        const schema = uniqueName('h1_xref');
        if (variant.name === 'postgres') schemas.push(schema);
        const target =
          variant.name === 'sqlite'
            ? '{ type: sqlite, url: target.db }'
            : `{ type: postgres, url: '${postgresUrl}', schema: ${schema} }`;
        writeFiles(dir, {
          'cutover.yaml': plan(target),
          'companies.csv': companies,
          'contacts.csv': contacts,
        });
        const planFile = path.join(dir, 'cutover.yaml');
        ok(await cli(['run', '--plan', planFile, '--json']));
        ok(await cli(['reconcile', '--plan', planFile, '--json']));

        // d1's contact P1 now points at d2's company C1 (same key, same name), as a bad script or tool would leave it.
        const tamper = `UPDATE ${variant.name === 'sqlite' ? '' : `"${schema}".`}contact
          SET company_id = (SELECT id FROM ${variant.name === 'sqlite' ? '' : `"${schema}".`}company WHERE dossier_id = 'd2' AND source_key = 'C1')
          WHERE dossier_id = 'd1' AND source_key = 'P1'`;
        if (variant.name === 'sqlite') {
          const db = new Database(path.join(dir, 'target.db'));
          expect(db.prepare(tamper).run().changes).toBe(1);
          db.close();
        } else {
          const client = new pg.Client({ connectionString: postgresUrl });
          await client.connect();
          expect((await client.query(tamper)).rowCount).toBe(1);
          await client.end();
        }

        const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
        expect(reconciled.code, describeResult(reconciled)).toBe(5);
        const json = parseJsonStdout<ReconcileJson>(reconciled);
        expect(json.ok).toBe(false);
        const d1 = json.dossiers.find((dossier) => dossier.id === 'd1')!;
        expect(d1.entities.find((entity) => entity.entity === 'contact')).toMatchObject({
          contentMismatches: 1,
          samples: ['P1'],
        });
        expect(json.dossiers.find((dossier) => dossier.id === 'd2')?.ok).toBe(true);
      },
      60_000,
    );
  }

  it('still proves a deal that refers to a contact merged into a survivor of another dossier (acrossDossiers)', async () => {
    const dir = tempDir('cutover-e2e-xref-dedupe-');
    const planText = `${dedupePlan.replace(
      'survivorship: { rule: most_complete }',
      'survivorship: { rule: most_complete }\n      acrossDossiers: true',
    )}  deal:
    source: { type: csv, path: deals.csv }
    dossier: { field: dossier }
    key: deal_id
    fields:
      name: name
      contact_id: contact_id
`;
    writeFiles(dir, {
      'cutover.yaml': planText,
      'contacts.csv': dedupeContactsCsv(),
      // S-B1 (south) is merged into N-B1 (north): the deal of south is loaded pointing at north's row.
      'deals.csv': 'dossier,deal_id,name,contact_id\nsouth,D1,Deal one,S-B1\nnorth,D2,Deal two,N-B1\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    ok(await cli(['dedupe', '--entity', 'contact', '--plan', planFile, '--json']));
    ok(await cli(['run', '--plan', planFile, '--json']));
    const db = new Database(path.join(dir, 'target.db'), { readonly: true });
    expect(
      db
        .prepare(
          "SELECT c.dossier_id AS dossier, c.source_key AS key FROM deal d JOIN contact c ON c.id = d.contact_id WHERE d.source_key = 'D1'",
        )
        .get(),
    ).toEqual({ dossier: 'north', key: 'N-B1' });
    db.close();
    const reconciled = parseJsonStdout<ReconcileJson & { totals: { referencesToMerged: number } }>(
      ok(await cli(['reconcile', '--plan', planFile, '--json'])),
    );
    expect(reconciled.ok).toBe(true);
    expect(reconciled.totals.referencesToMerged).toBe(1);
  }, 120_000);
});

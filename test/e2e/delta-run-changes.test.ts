import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from './support/crm-fixture.js';
import { writeFiles } from './support/helpers.js';

interface Changes {
  readonly loaded: number;
  readonly rejected: number;
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
}

interface RunJson {
  readonly entities: Record<string, Changes>;
}

/**
 * The fixture's contacts, one changed (K3's email) and one added (K11): its five loaded contacts become six, its
 * repeated K2 is still refused as a duplicate, and its companies are read again as they were.
 */
const changedContacts = `${crmContacts.replace('K3,Chloé,Durand,chloe@mail.fr,,', 'K3,Chloé,Durand,chloe.durand@mail.fr,,')}\nK11,Karl,Roux,karl@mail.fr,1988-01-01,C1`;

const targets = [
  { name: 'SQLite', available: true, target: 'target: { type: sqlite, url: target.db }' },
  { name: 'PostgreSQL', available: postgresAvailable, schema: uniqueName('e2e_delta') },
] as const;

/**
 * A re-run of `cutover run` on changed sources upserts by source key: the summary says, per entity, how many of the
 * rows it loaded were new, updated (content changed) or unchanged, as a migration lead asks of a delta run before
 * going live. A first load's are all new.
 */
describe('a re-run on changed sources', () => {
  beforeAll(() => ensureBuilt(), 240_000);
  afterAll(async () => {
    if (postgresAvailable) await dropPostgresSchema(targets[1].schema);
  });

  for (const where of targets) {
    it.runIf(where.available)(
      `says per entity how many rows were new, updated or unchanged (${where.name})`,
      async () => {
        const dir = tempDir('cutover-e2e-delta-');
        const target =
          'schema' in where
            ? `target: { type: postgres, url: ${JSON.stringify(postgresUrl)}, schema: ${where.schema} }`
            : where.target;
        const plan = crmPlan().replace('target: { type: sqlite, url: target.db }', target);
        writeFiles(dir, { 'cutover.yaml': plan, 'companies.csv': crmCompanies, 'contacts.csv': crmContacts });
        const planFile = path.join(dir, 'cutover.yaml');

        const first = await cli(['run', '--plan', planFile]);
        expect(first.code, describeResult(first)).toBe(0);
        expect(first.stdout).toMatch(/^ +company +5 read +4 loaded .* rejected \(all new\)$/m);
        expect(first.stdout).toMatch(/^ +contact +10 read +5 loaded .* rejected \(all new\)$/m);

        writeFiles(dir, { 'contacts.csv': changedContacts });
        const rerun = await cli(['run', '--plan', planFile, '--json']);
        expect(rerun.code, describeResult(rerun)).toBe(0);
        const { entities } = parseJsonStdout<RunJson>(rerun);
        expect(entities.company).toMatchObject({ loaded: 4, new: 0, updated: 0, unchanged: 4 });
        expect(entities.contact).toMatchObject({ loaded: 6, rejected: 4, new: 1, updated: 1, unchanged: 4 });

        // Once more, nothing changed: every row is unchanged, in the text a person reads too.
        const again = await cli(['run', '--plan', planFile]);
        expect(again.code, describeResult(again)).toBe(0);
        expect(again.stdout).toMatch(
          /^ +contact +11 read +6 loaded .* rejected \(0 new, 0 updated, 6 unchanged\)$/m,
        );
      },
      120_000,
    );
  }
});

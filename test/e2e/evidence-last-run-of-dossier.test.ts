import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { dialects, dropPostgresSchema, tempDir } from '../support/stores.js';
import { postgresUrl, uniqueName } from '../support/services.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

const fec = [
  FEC_STANDARD_COLUMNS.join('\t'),
  'VE\tVentes\t1\t20230115\t411000\tClients\tC1\tClient Un\tF1\t20230115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
  'VE\tVentes\t1\t20230115\t706000\tPrestations\t\t\tF1\t20230115\tFacture 1\t0,00\t120,00\t\t\t\t\t',
  '',
].join('\r\n');

interface Pack {
  run: { id: string } | null;
  verdict: { summary: string };
  notices: { code: string; runId: string }[];
}

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropPostgresSchema(schema);
});

/**
 * The walkthrough of an accounting firm's migration: a full run, then `run --dossier` (or a replay) of one dossier.
 * The evidence of every other dossier named that later run, which never read it, and lost the notices of the run
 * that did: a client whose folder holds no FEC the plan's path matches got the verdict "the notices below say
 * what its folder holds" above no notice at all.
 */
describe('the evidence pack after a run of other dossiers', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  for (const dialect of dialects) {
    it.runIf(dialect.available)(
      `names the run that last read the dossier and keeps that run's notices (state store on ${dialect.name})`,
      async () => {
        const dir = tempDir('cutover-e2e-evidence-last-run-');
        const schema = uniqueName('evidence_state');
        if (dialect.name === 'postgres') schemas.push(schema);
        writeFiles(dir, {
          'cutover.yaml': [
            'version: 1',
            'name: evidence-last-run',
            ...(dialect.name === 'postgres' ? [`state: ${postgresUrl}?schema=${schema}`] : []),
            'target: { type: sqlite, url: target.db }',
            'entities:',
            fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' }),
          ].join('\n'),
          'fec/D1/123456782FEC20231231.txt': fec,
          'fec/D2/export_2023.txt': fec,
        });
        const plan = path.join(dir, 'cutover.yaml');
        const first = await cli(['run', '--plan', plan, '--json']);
        expect(first.code, describeResult(first)).toBe(0);
        const second = await cli(['run', '--plan', plan, '--dossier', 'D1', '--json']);
        expect(second.code, describeResult(second)).toBe(0);
        const firstId = parseJsonStdout<{ runId: string }>(first).runId;
        const secondId = parseJsonStdout<{ runId: string }>(second).runId;
        expect(secondId).not.toBe(firstId);

        const evidence = await cli(['evidence', '--plan', plan]);
        expect(evidence.code, describeResult(evidence)).toBe(0);
        const pack = (dossier: string) =>
          JSON.parse(readFileSync(path.join(dir, 'evidence', dossier, 'evidence.json'), 'utf8')) as Pack;
        const d2 = pack('D2');
        expect(d2.run?.id).toBe(firstId);
        expect(d2.verdict.summary).toMatch(/the notices below say what its folder holds/);
        expect(d2.notices.map((notice) => notice.code).sort()).toEqual([
          'DOSSIER_WITHOUT_SOURCES',
          'NO_MATCHING_FILE',
        ]);
        expect(d2.notices.every((notice) => notice.runId === firstId)).toBe(true);
        expect(pack('D1').run?.id).toBe(secondId);
      },
      90_000,
    );
  }
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

const fec = [
  FEC_STANDARD_COLUMNS.join('\t'),
  'VE\tVentes\t1\t20230115\t411000\tClients\tC1\tClient Un\tF1\t20230115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
  'VE\tVentes\t1\t20230115\t706000\tPrestations\t\t\tF1\t20230115\tFacture 1\t0,00\t120,00\t\t\t\t\t',
  '',
].join('\r\n');

const plan = `version: 1
name: evidence-read-nothing
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' })}`;

interface Pack {
  verdict: { ok: boolean; summary: string };
}

/**
 * A client whose FEC was saved under a name the plan's path does not match (`lasocietenouvelle_sample_tab.txt` for
 * `*FEC*.txt`, a public sample's name): the run reads nothing there. Its evidence page said "Every one of the 0
 * source records is accounted for and arrived intact. No record was rejected.", a migration that went well, to
 * the auditor it is handed to.
 */
describe('the evidence pack of a dossier for which nothing was read', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('says that nothing was read for it, where a migrated dossier gets its usual verdict', async () => {
    const dir = tempDir('cutover-e2e-evidence-nothing-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'fec/D1/123456782FEC20231231.txt': fec,
      'fec/D2/export_2023.txt': fec,
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);
    const evidence = await cli(['evidence', '--plan', planFile]);
    expect(evidence.code, describeResult(evidence)).toBe(0);
    const pack = (dossier: string) =>
      JSON.parse(readFileSync(path.join(dir, 'evidence', dossier, 'evidence.json'), 'utf8')) as Pack;
    expect(pack('D2').verdict).toEqual({
      ok: true,
      summary:
        "Nothing was read for this dossier: no source of the plan's paths is there (the notices below say what its folder holds), so no record of it is accounted for.",
    });
    expect(pack('D1').verdict.summary).toMatch(
      /^Every one of the 8 source records is accounted for and arrived intact\./,
    );
  }, 60_000);
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/** Four lines, one with a debit written `N/A` (as in the public sample adams43360_fec_sale.txt): rejected when read. */
const fec = [
  FEC_STANDARD_COLUMNS.join('\t'),
  'VE\tVentes\t1\t20230115\t411000\tClients\tC1\tClient Un\tF1\t20230115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
  'VE\tVentes\t1\t20230115\t706000\tPrestations\t\t\tF1\t20230115\tFacture 1\t0,00\t120,00\t\t\t\t\t',
  'AC\tAchats\t1\t20230116\t607000\tAchats\t\t\tA1\t20230116\tAchat\tN/A\t0,00\t\t\t\t\t',
  'AC\tAchats\t1\t20230116\t401000\tFournisseurs\t\t\tA1\t20230116\tAchat\t0,00\t50,00\t\t\t\t\t',
  '',
].join('\r\n');

const plan = `version: 1
name: evidence-outside-proof
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' })}`;

describe("the evidence page's trial balance", () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('says how many of the source lines are in no total because they were rejected when read', async () => {
    const dir = tempDir('cutover-e2e-evidence-outside-proof-');
    writeFiles(dir, { 'cutover.yaml': plan, 'fec/D1/123456782FEC20231231.txt': fec });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);
    const evidence = await cli(['evidence', '--plan', planFile]);
    expect(evidence.code, describeResult(evidence)).toBe(0);
    // One dossier is one dossier ("1 dossiers" before).
    expect(evidence.stdout + evidence.stderr).toMatch(
      /Evidence packs: 1 dossier \(1 proven, 0 with differences\)/,
    );
    const html = readFileSync(path.join(dir, 'evidence', 'D1', 'evidence.html'), 'utf8').replaceAll(
      '&#39;',
      "'",
    );
    expect(html).toContain('2 entries and 3 lines read;');
    expect(html).toContain(
      "The source's 4 entry lines include 1 skipped or rejected when read (an amount, date or account that cannot be read), which no total here counts; the rejected ones are listed below with their reason.",
    );
  }, 60_000);
});

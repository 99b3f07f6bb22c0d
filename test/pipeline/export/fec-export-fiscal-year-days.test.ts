import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../../src/domains/accounting/fec-entities-yaml.js';
import { fecExport } from '../../../src/pipeline/export/fec-export.js';
import { loadPlanFile } from '../../../src/pipeline/plan/load-plan-file.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { migrateAndReconcile } from '../../e2e/support/portfolio.js';
import { tempDir } from '../../support/stores.js';

const fec = (date: string) =>
  [
    FEC_STANDARD_COLUMNS.join('\t'),
    `VE\tVentes\t1\t${date}\t411000\tClients\tC1\tClient Un\tF1\t${date}\tFacture 1\t120,00\t0,00\t\t\t\t\t`,
    `VE\tVentes\t1\t${date}\t706000\tPrestations\t\t\tF1\t${date}\tFacture 1\t0,00\t120,00\t\t\t\t\t`,
    '',
  ].join('\r\n');

/** The days of the fiscal year a FEC export wrote, which the rejected entry lines are placed against. */
describe('fec export of one fiscal year of several', () => {
  let dir = '';
  let planFile = '';
  beforeAll(async () => {
    dir = tempDir('cutover-fec-export-years-');
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    mkdirSync(path.join(dir, 'fec', 'D2'), { recursive: true });
    writeFileSync(path.join(dir, 'fec', 'D1', '123456782FEC20231231.txt'), fec('20230115'));
    writeFileSync(path.join(dir, 'fec', 'D1', '123456782FEC20241231.txt'), fec('20240115'));
    writeFileSync(path.join(dir, 'fec', 'D2', '123456782FEC20241231.txt'), fec('20240115'));
    planFile = path.join(dir, 'cutover.yaml');
    writeFileSync(
      planFile,
      [
        'version: 1',
        'name: years',
        'target: { type: sqlite, url: target.db }',
        'entities:',
        fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' }),
      ].join('\n'),
    );
    const migrated = await migrateAndReconcile(planFile, path.join(dir, 'state.db'));
    expect(migrated.summary.records.rejected).toBe(0);
  }, 60_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const exportYear = async (dossier: string, fiscalYear: string) => {
    const target = await openTarget(await loadPlanFile(planFile));
    try {
      return await fecExport({ target, dossier, fiscalYear, out: path.join(dir, 'out', dossier) + path.sep });
    } finally {
      await target.close();
    }
  };

  it("gives the year's days between the closing of the year before and its own, the first unbounded below, the last above; none for a dossier of one year (every line written)", async () => {
    expect((await exportYear('D1', '2024-12-31')).onlyFiscalYear).toEqual({
      start: '2024-01-01',
      end: null,
      closing: '2024-12-31',
    });
    expect((await exportYear('D1', '2023-12-31')).onlyFiscalYear).toEqual({
      start: null,
      end: '2023-12-31',
      closing: '2023-12-31',
    });
    expect((await exportYear('D2', '2024-12-31')).onlyFiscalYear).toBeUndefined();
  });

  it('does not start a year at the opening date the target holds: a first year may be longer than the guessed one', async () => {
    const db = new Database(path.join(dir, 'target.db'));
    db.prepare(
      "UPDATE fiscal_year SET start_date = '2023-06-01' WHERE dossier_id = 'D1' AND end_date = '2024-12-31'",
    ).run();
    db.close();
    expect((await exportYear('D1', '2024-12-31')).onlyFiscalYear).toEqual({
      start: '2024-01-01',
      end: null,
      closing: '2024-12-31',
    });
  });
});

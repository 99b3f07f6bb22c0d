import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { sharedData } from '../support/shared-data.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * A FEC whose entries are dated 2023 while its name closes the year on 2022-12-31 (a public sample): `cutover fec
 * validate` reports DATE_AFTER_CLOSING on all 934 lines, yet `cutover run` loaded them into the 2022 fiscal year
 * with no word. The run now says so, counting the lines by the validator's own rule.
 */
const plan = `version: 1
name: fec-outside-year
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' })}`;

const FILE = '111111111FEC20221231.TXT';

interface Notice {
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly source: string;
  readonly dossier: string;
}

describe('a FEC whose entry dates fall outside the fiscal year its name closes', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('is loaded with a FEC_DATES_OUTSIDE_FISCAL_YEAR notice giving the count fec validate gives, and the first line', async () => {
    const dir = tempDir('cutover-e2e-fec-outside-year-');
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    copyFileSync(sharedData('fec', FILE), path.join(dir, 'fec', 'D1', FILE));
    writeFiles(dir, { 'cutover.yaml': plan });
    const source = `fec/D1/${FILE}`;

    const validate = await cli(['fec', 'validate', '--json', source], { cwd: dir });
    const report = parseJsonStdout<{
      reports: { findings: { code: string; count: number; lines: number[] }[] }[];
    }>(validate);
    const finding = report.reports[0]!.findings.find((f) => f.code === 'DATE_AFTER_CLOSING')!;
    expect(finding.count).toBe(934);

    const run = await cli(['run', '--json'], { cwd: dir });
    expect(run.code, describeResult(run)).toBe(0);
    const notices = parseJsonStdout<{ notices: Notice[] }>(run).notices.filter(
      (notice) => notice.code === 'FEC_DATES_OUTSIDE_FISCAL_YEAR',
    );
    expect(notices).toEqual([
      expect.objectContaining({
        message: `${source}: ${finding.count} lines are dated outside the fiscal year its name closes on 2022-12-31: ${finding.count} after its closing date (DATE_AFTER_CLOSING); their fiscal_year_end is the name's all the same, so the plan files them under that year, or rejects them where it has no such year (is the file named after its year? \`cutover fec validate\` lists them)`,
        line: finding.lines[0],
        source,
        dossier: 'D1',
      }),
    ]);
  }, 60_000);

  it("does not say the lines were loaded into the name's year when the registry gives the years: they are rejected", async () => {
    // The registry's year is 2023, the one of the entries; the name closes 2022: the run files the entries under
    // 2022 (fiscal_year_end is the name's), a year the plan does not have, so it rejects them (UNKNOWN_PARENT).
    const dir = tempDir('cutover-e2e-fec-outside-year-registry-');
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    copyFileSync(sharedData('fec', FILE), path.join(dir, 'fec', 'D1', FILE));
    writeFiles(dir, {
      'cutover.yaml': `version: 1
name: fec-outside-year-registry
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'registry' })}`,
      'registry.csv': 'dossier_id,fiscal_year_start,fiscal_year_end\nD1,2023-01-01,2023-12-31\n',
    });
    const run = await cli(['run', '--json'], { cwd: dir });
    const summary = parseJsonStdout<{
      notices: Notice[];
      entities: Record<string, { loaded: number; rejected: number }>;
    }>(run);
    expect(summary.entities.entry!.loaded).toBe(0);
    expect(summary.entities.entry!.rejected).toBeGreaterThan(0);
    const notice = summary.notices.find((n) => n.code === 'FEC_DATES_OUTSIDE_FISCAL_YEAR')!;
    expect(notice.message).not.toContain('loaded into that fiscal year');
    expect(notice.message).toContain(
      "their fiscal_year_end is the name's all the same, so the plan files them under that year, or rejects them where it has no such year",
    );
  }, 60_000);

  it('says nothing of a FEC whose entries are all of its year', async () => {
    const dir = tempDir('cutover-e2e-fec-inside-year-');
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    copyFileSync(
      sharedData('fec', 'lasocietenouvelle_sample_tab.txt'),
      path.join(dir, 'fec', 'D1', '123456782FEC20241231.txt'),
    );
    writeFiles(dir, { 'cutover.yaml': plan });
    const run = await cli(['run', '--json'], { cwd: dir });
    expect(run.code, describeResult(run)).toBe(0);
    const codes = parseJsonStdout<{ notices: Notice[] }>(run).notices.map((notice) => notice.code);
    expect(codes).not.toContain('FEC_DATES_OUTSIDE_FISCAL_YEAR');
  }, 60_000);
});

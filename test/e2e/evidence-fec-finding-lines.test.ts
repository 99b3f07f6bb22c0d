import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
import {
  INTERLEAVED_VALID_DATE_ORDER_LINES,
  interleavedValidDateOrderFec,
} from './support/valid-date-order-fec.js';

const plan = `version: 1
name: evidence-fec-finding-lines
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' })}`;

describe("the evidence page's FEC findings", () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('list the lines of validation dates out of order in file order, two journals interleaved', async () => {
    const dir = tempDir('cutover-e2e-evidence-fec-finding-lines-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'fec/D1/123456782FEC20231231.txt': interleavedValidDateOrderFec(),
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);
    const evidence = await cli(['evidence', '--plan', planFile]);
    expect(evidence.code, describeResult(evidence)).toBe(0);
    const html = readFileSync(path.join(dir, 'evidence', 'D1', 'evidence.html'), 'utf8');
    const row = html.split('<tr>').find((cells) => cells.includes('<td class="raw">VALID_DATE_ORDER</td>'));
    // Journal by journal, 6, 10, 8, 12.
    expect(row).toContain(`<td>${INTERLEAVED_VALID_DATE_ORDER_LINES.join(', ')}</td>`);
  }, 60_000);
});

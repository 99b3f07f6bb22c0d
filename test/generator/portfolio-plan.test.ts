import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parsePlan } from '../../src/core/plan/parse-plan.js';
import { registryColumns } from '../../src/generator/dossier-profiles.js';
import { TEST_RECORDS_RULE } from '../../src/generator/manifest.js';
import { portfolioPlan } from '../../src/generator/portfolio-plan.js';
import { generateInTemp, removeTemporaryFolders } from './portfolio-files.js';

afterAll(removeTemporaryFolders);

const accountingEntities = ['fiscal_year', 'journal', 'account', 'third_party', 'entry', 'entry_line'];
const crmEntities = ['user', 'company', 'contact', 'deal', 'activity'];

describe('portfolioPlan', () => {
  it('passes parsePlan, with the CRM entities by default and without them when crm is false', () => {
    const full = parsePlan(portfolioPlan());
    expect(Object.keys(full.entities)).toEqual([...accountingEntities, ...crmEntities]);
    expect(full.target).toEqual({ type: 'sqlite', url: 'target.db', schema: 'cutover' });
    expect(full.dossiers?.registry?.attributes).toEqual(registryColumns.slice(2));
    const accountingOnly = parsePlan(portfolioPlan({ crm: false }));
    expect(Object.keys(accountingOnly.entities)).toEqual(accountingEntities);
  });

  it('writes the target it is given, quoting a PostgreSQL URL', () => {
    const url = 'postgres://app:${PGPASSWORD}@127.0.0.1:5432/test';
    const plan = parsePlan(portfolioPlan({ target: { type: 'postgres', url, schema: 'migration_1' } }));
    expect(plan.target).toEqual({ type: 'postgres', url, schema: 'migration_1' });
  });

  it('is YAML a person can read: comments explain each entity, and the FEC source is written once', () => {
    const text = portfolioPlan();
    const document = parseDocument(text);
    expect(document.errors).toEqual([]);
    for (const entity of [...accountingEntities, ...crmEntities]) {
      const at = text.indexOf(`\n  ${entity}:`);
      expect(at, entity).toBeGreaterThan(0);
      // The entity, or the section it opens, is preceded by a comment.
      expect(
        text
          .slice(0, at)
          .trimEnd()
          .split('\n')
          .slice(-6)
          .some((line) => line.trim().startsWith('#')),
        entity,
      ).toBe(true);
    }
    expect(text.match(/type: fec/g)).toHaveLength(1);
  });

  it('keys entries and lines as the manifest does, and skips test records under the rule the manifest names', () => {
    const plan = parsePlan(portfolioPlan());
    expect(plan.entities.entry?.key).toEqual(['fiscal_year_end', 'JournalCode', 'entry_key']);
    expect(plan.entities.entry_line?.key).toEqual([
      'fiscal_year_end',
      'JournalCode',
      'entry_key',
      '$occurrence',
    ]);
    expect(plan.entities.entry?.distinct).toBe(true);
    expect(plan.entities.entry_line?.distinct).toBe(false);
    const skip = plan.entities.contact?.skip[0];
    expect(skip?.rule).toBe(TEST_RECORDS_RULE);
    expect(new RegExp(skip?.when.matches ?? '$^').test('jean.dupont@example.test')).toBe(true);
    expect(new RegExp(skip?.when.matches ?? '$^').test('jean.dupont@example.fr')).toBe(false);
  });

  it('names source paths that exist in a generated portfolio', async () => {
    const { dir } = await generateInTemp(2, 3);
    const plan = parsePlan(portfolioPlan());
    for (const [name, entity] of Object.entries(plan.entities)) {
      const source = entity.source;
      if (!('path' in source)) throw new Error(`${name} has no file source`);
      if (!source.path.includes('{dossier}')) {
        expect(existsSync(path.join(dir, source.path)), source.path).toBe(true);
        continue;
      }
      const folder = path.join(dir, path.dirname(source.path).replace('{dossier}', 'D0001'));
      const pattern = new RegExp(
        `^${path.basename(source.path).replaceAll('.', '\\.').replaceAll('*', '.*')}$`,
      );
      expect((await readdir(folder)).filter((file) => pattern.test(file))).toHaveLength(1);
    }
  });
});

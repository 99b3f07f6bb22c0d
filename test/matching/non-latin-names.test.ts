import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDedupeConfig } from '../../src/matching/dedupe-config.js';
import { prepareRecords } from '../../src/matching/prepare-records.js';
import { Workbench } from '../../src/matching/workbench.js';

let workbench: Workbench;
beforeAll(async () => {
  workbench = await Workbench.open();
});
afterAll(() => workbench.close());

const names = ['Иван', 'Ольга', 'Γιώργος', 'Ελένη', '王伟', 'Łukasz', 'Ukasz', 'Straße', 'Lefèbvre-D’Arc'];

describe('names in other scripts than Latin', () => {
  it('are values to compare, not missing ones (a missing name weighs nothing, a different one weighs against)', async () => {
    await workbench.run('CREATE OR REPLACE TABLE src (_row INTEGER, first_name VARCHAR)');
    await workbench.appendStrings(
      'src',
      names.map((name, row) => [String(row), name]),
    );
    await prepareRecords(
      workbench,
      parseDedupeConfig({
        fields: [{ column: 'first_name', kind: 'first_name' }],
        blocking: [['first_name']],
        thresholds: { auto: 0.95, review: 0.5 },
      }),
    );
    const [values = []] = await workbench.columns('SELECT v0 FROM rec ORDER BY id');
    const normalised = Object.fromEntries(names.map((name, row) => [name, values[row] ?? null]));
    // Иван and Ольга are two people: with both names read as missing, nothing tells them apart.
    for (const name of ['Иван', 'Ольга', 'Γιώργος', 'Ελένη', '王伟']) expect(normalised[name]).not.toBeNull();
    expect(normalised['Иван']).not.toBe(normalised['Ольга']);
    // Ł and ß are letters too: Łukasz is not Ukasz, Straße is one word.
    expect(normalised['Łukasz']).not.toBe(normalised['Ukasz']);
    expect(normalised['Straße']).not.toContain(' ');
    // Latin names are read as before.
    expect(normalised['Lefèbvre-D’Arc']).toBe('lefebvre d arc');
  });
});

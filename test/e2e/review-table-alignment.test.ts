import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { defaultStatePath, writeFiles } from './support/helpers.js';

/** A long email, far over the 28 and 32 columns review and review golden used to give every value. */
const longEmail = 'anne-sophie.martin-lagarde@cabinet-rhone.fr';
/** Amélie with the accent as a combining character: 7 code units, 6 columns. */
const amelie = 'Ame\u0301lie';
/** Two ideographs: 2 code units, 4 columns. */
const tokyo = '東京';

/**
 * The terminal columns of the test's own values, measured apart from the code under test: a combining accent
 * takes none, a CJK ideograph two, anything else one.
 */
const columns = (text: string): number =>
  [...text].reduce((total, character) => {
    const code = character.codePointAt(0)!;
    return total + (code >= 0x300 && code <= 0x36f ? 0 : code >= 0x4e00 && code <= 0x9fff ? 2 : 1);
  }, 0);

/** The lines of a block of `stdout` that starts with the line matching `head`, up to the next empty line. */
const block = (stdout: string, head: RegExp): string[] => {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => head.test(line));
  expect(start, stdout).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, at) => at > start && line === '');
  return lines.slice(start + 1, end === -1 ? undefined : end);
};

/** The column where `after` starts on `line` (which ends with it). */
const startOf = (line: string, after: string): number => {
  expect(line.endsWith(after), `${JSON.stringify(line)} ends with ${after}`).toBe(true);
  return columns(line.slice(0, line.length - after.length));
};

describe('the side-by-side tables of cutover review and review golden', () => {
  let dir = '';
  let plan = '';
  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-review-table-');
    // Anne's two records (a cluster A1 + A2 in dossier north) with a long email, a decomposed accent and a city
    // in ideographs: every value of the golden record is as wide as it is long but these.
    const contacts = dedupeContactsCsv()
      .replaceAll('anne.martin-lagarde@mail.fr', longEmail)
      .replaceAll('A1,north,Anne,', `A1,north,${amelie},`)
      .replaceAll('A2,north,Anne,', `A2,north,${amelie},`)
      .replace(',69001,Lyon\n', `,69001,${tokyo}\n`);
    writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': contacts });
    plan = path.join(dir, 'cutover.yaml');
    const dedupe = await cli(['dedupe', '--entity', 'contact', '--plan', plan]);
    expect(dedupe.code, describeResult(dedupe)).toBe(0);
  }, 240_000);

  it('review golden starts the "from" column at one place on every row of a cluster with a long email, accents and ideographs', async () => {
    const golden = await cli([
      'review',
      'golden',
      '--plan',
      plan,
      '--entity',
      'contact',
      '--dossier',
      'north',
      '--limit',
      '1000',
    ]);
    expect(golden.code, describeResult(golden)).toBe(0);
    const rows = block(golden.stdout, /^cluster \S+ {2}north contact {2}survivor A1 {2}absorbs A2$/);
    expect(rows.length).toBe(7);
    // Each value whole, with its origin after it.
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^ {2}email +${longEmail} +from A1$`)));
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^ {2}first_name +${amelie} +from A1$`)));
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^ {2}city +${tokyo} +from A1$`)));
    const starts = rows.map((line) => startOf(line, /from \S+$/.exec(line)?.[0] ?? ''));
    expect(new Set(starts), rows.join('\n')).toEqual(new Set([starts[0]]));
    // The value column is as wide as the email and the two spaces that follow it.
    expect(starts[0]).toBe(2 + 'first_name'.length + 2 + longEmail.length + 2);
  });

  it('review starts the right-hand values at one place on every row, continues a very long value under its column, and keeps a line feed inside its row', async () => {
    const address = 'Résidence les Jardins de la Croix-Rousse, bâtiment C, escalier 4, appartement 1207';
    const state = await StateStore.open(defaultStatePath(dir));
    try {
      // A pair as dedupe stores it, in a dossier of its own so that the fixture's own pair stays apart.
      await state.replaceReviewPairs('east', 'contact', [
        {
          dossierId: 'east',
          entity: 'contact',
          leftKey: 'E1',
          rightKey: 'E2',
          fields: [
            ['first_name', amelie, 'Amelie'],
            ['last_name', 'Martin-Lagarde', 'MARTIN LAGARDE'],
            ['email', longEmail, 'a.martin@mail.fr'],
            ['city', tokyo, 'Tokyo'],
            ['address', address, 'Croix-Rousse'],
            ['phone', null, '+33612345678'],
            ['notes', 'floor 3\nring twice', 'none'],
          ],
          probability: 0.7,
          explanation: { prior: -2, terms: [{ field: 'email', level: 'different', weight: -1 }] },
          reason: 'grey-zone',
        },
      ]);
    } finally {
      await state.close();
    }
    const review = await cli(['review', '--plan', plan, '--dossier', 'east']);
    expect(review.code, describeResult(review)).toBe(0);
    const lines = block(review.stdout, /^pair \S+ {2}east contact {2}E1 ~ E2 /);
    const rights = [
      'Amelie',
      'MARTIN LAGARDE',
      'a.martin@mail.fr',
      'Tokyo',
      'Croix-Rousse',
      '+33612345678',
      'none',
    ];
    const rows = lines.filter((line) => /^ {2}\S/.test(line) && !line.startsWith('  why:'));
    expect(rows.length).toBe(rights.length);
    const starts = rows.map((line, at) => startOf(line, rights[at]!));
    expect(new Set(starts), lines.join('\n')).toEqual(new Set([starts[0]]));
    // The email fits the column whole, on its row.
    expect(rows[2]).toMatch(new RegExp(`^ {2}email +${longEmail} +a\\.martin@mail\\.fr$`));
    // The address is wider than a column may grow (50): it goes on over the next lines, under an empty name, whole.
    const at = lines.indexOf(rows[4]!);
    const more = lines.slice(at + 1, lines.indexOf(rows[5]!));
    expect(more.length).toBeGreaterThan(0);
    const valueStart = 2 + 'first_name'.length + 2;
    for (const line of more) expect(line).toMatch(new RegExp(`^ {${valueStart}}\\S`));
    const first = rows[4]!.slice(valueStart, rows[4]!.length - 'Croix-Rousse'.length).trimEnd();
    // Broken at spaces, each line break standing for one.
    expect([first, ...more.map((line) => line.slice(valueStart))].join(' ')).toBe(address);
    // A line feed inside a value stays inside its row, written \n.
    expect(rows[6]).toMatch(/^ {2}notes +floor 3\\nring twice +none$/);
  });
});

import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../src/core/source-record.js';
import { EMPTY_MERGE_MAP, type MergeMap } from '../../../src/pipeline/dedupe/merge-map.js';
import { staleMergesNotice } from '../../../src/pipeline/dedupe/stale-merges-notice.js';
import { recordHash } from '../../../src/pipeline/reconcile/record-hash.js';

const record = (line: number): SourceRecord => ({
  fields: {},
  location: { source: 'contacts.csv', line, record: line - 1 },
});

/** S survives, absorbing A0..A6 of its dossier and X of another one (whose survivor is in dossier north). */
const merges: MergeMap = {
  survivorOf: new Map([
    ...Array.from({ length: 7 }, (_, i) => [`A${i}`, { dossierId: 'south', key: 'S' }] as const),
    ['X', { dossierId: 'north', key: 'N' }],
  ]),
  goldenOf: new Map([['S', ['golden']]]),
  fingerprintOf: new Map([
    ['S', recordHash(['S as deduped'])],
    ['X', recordHash(['X as deduped'])],
    ...Array.from({ length: 7 }, (_, i) => [`A${i}`, recordHash([`A${i} as deduped`])] as const),
  ]),
};

describe('staleMergesNotice', () => {
  it('is undefined for a unit without fingerprinted merges: nothing is checked per record', () => {
    expect(staleMergesNotice(EMPTY_MERGE_MAP, { dossier: 'south', entity: 'contact' })).toBeUndefined();
  });

  it('says nothing when every merged record is as dedupe saw it, or is no merge of the unit', () => {
    const stale = staleMergesNotice(merges, { dossier: 'south', entity: 'contact' })!;
    stale.check({ sourceKey: 'S', values: ['S as deduped'] }, record(2));
    stale.check({ sourceKey: 'A0', values: ['A0 as deduped'] }, record(3));
    stale.check({ sourceKey: 'other', values: ['anything'] }, record(4));
    expect(stale.notice()).toBeUndefined();
  });

  it('counts every changed record, names the first five with their survivors, and points at the first line', () => {
    const stale = staleMergesNotice(merges, { dossier: 'south', entity: 'contact' })!;
    stale.check({ sourceKey: 'other', values: ['anything'] }, record(2));
    stale.check({ sourceKey: 'X', values: ['X changed'] }, record(3));
    stale.check({ sourceKey: 'S', values: ['S changed'] }, record(4));
    for (let i = 0; i < 7; i++) stale.check({ sourceKey: `A${i}`, values: [`A${i} changed`] }, record(5 + i));
    const notice = stale.notice()!;
    expect(notice).toMatchObject({ code: 'STALE_MERGES', line: 3, source: 'contacts.csv' });
    expect(notice.message).toMatch(
      /^9 contact records of dossier south changed .*: X \(merged into north\/N\), S \(survivor\), A0 \(merged into S\), A1 \(merged into S\), A2 \(merged into S\), \.\.\.; .*run cutover dedupe --entity contact again/,
    );
  });

  it('says its count is a lower bound when the threshold stopped the unit before all was read', () => {
    // Reconcile counts every stale record; the run has seen those before the stop only (400 of 797 on a CRM).
    const stale = staleMergesNotice(merges, { dossier: 'south', entity: 'contact' })!;
    stale.check({ sourceKey: 'S', values: ['S changed'] }, record(2));
    stale.check({ sourceKey: 'A0', values: ['A0 changed'] }, record(3));
    expect(stale.notice({ stopped: true })!.message).toMatch(
      /^at least 2 contact records of dossier south changed .* since cutover dedupe merged them \(in what was read before the threshold stopped the unit\): S \(survivor\), A0 \(merged into S\);/,
    );
    expect(stale.notice()!.message).toMatch(/^2 contact records .* merged them: S \(survivor\)/);
  });
});

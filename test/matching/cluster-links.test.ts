import { describe, expect, it } from 'vitest';
import { clusterLinks, RefusalReason } from '../../src/matching/cluster-links.js';

const link = (l: number, r: number, weight: number, forced = false) => ({ l, r, weight, forced });
const sameCluster = (clusterOf: Int32Array, a: number, b: number) => clusterOf[a] === clusterOf[b];

describe('clusterLinks', () => {
  it('joins records through links transitively', () => {
    const { clusterOf, clusterCount } = clusterLinks({
      records: 5,
      links: [link(0, 1, 20), link(1, 2, 18), link(3, 4, 15)],
      strongIdentifiers: [],
      cannotLink: [],
    });
    expect(sameCluster(clusterOf, 0, 2)).toBe(true);
    expect(sameCluster(clusterOf, 2, 3)).toBe(false);
    expect(clusterCount).toBe(2);
  });

  it('refuses a weak link that would glue two records scored as different (A~B, B~C, A≠C)', () => {
    const result = clusterLinks({
      records: 3,
      links: [link(0, 1, 20), link(1, 2, 6)],
      strongIdentifiers: [],
      cannotLink: [[0, 2]],
    });
    expect(sameCluster(result.clusterOf, 0, 1)).toBe(true);
    expect(sameCluster(result.clusterOf, 1, 2)).toBe(false);
    expect(result.refused).toEqual([
      expect.objectContaining({ link: link(1, 2, 6), reason: RefusalReason.negativeEvidence }),
    ]);
  });

  it('never joins clusters whose members carry different SIRENs, whatever the names say', () => {
    const result = clusterLinks({
      records: 4,
      links: [link(0, 1, 30), link(2, 3, 30), link(1, 2, 25)],
      strongIdentifiers: [{ name: 'siren', values: ['552100554', null, '732829320', null] }],
      cannotLink: [],
    });
    expect(sameCluster(result.clusterOf, 0, 1)).toBe(true);
    expect(sameCluster(result.clusterOf, 2, 3)).toBe(true);
    expect(sameCluster(result.clusterOf, 1, 2)).toBe(false);
    expect(result.refused[0]?.reason).toBe(RefusalReason.strongIdentifier);
    expect(result.refused[0]?.detail).toBe('siren: 552100554 ≠ 732829320');
  });

  it('joins records with an equal strong identifier first, even against negative evidence', () => {
    const result = clusterLinks({
      records: 2,
      links: [link(0, 1, -10, true)],
      strongIdentifiers: [{ name: 'siren', values: ['552100554', '552100554'] }],
      cannotLink: [[0, 1]],
    });
    expect(sameCluster(result.clusterOf, 0, 1)).toBe(true);
  });
});

describe("clusterLinks and a person's decisions", () => {
  const decided = (l: number, r: number) => ({ l, r, weight: 1e9, forced: true, decided: true });

  it('joins a pair a person decided "same" even though their SIRENs differ (a CRM row with another SIREN)', () => {
    const result = clusterLinks({
      records: 2,
      links: [decided(0, 1)],
      strongIdentifiers: [{ name: 'siren', values: ['552100554', '732829320'] }],
      cannotLink: [[0, 1]],
    });
    expect(sameCluster(result.clusterOf, 0, 1)).toBe(true);
    expect(result.refused).toEqual([]);
  });

  it('does not let the decision chain on: a record carrying one of the two SIRENs is not joined automatically', () => {
    // 0: CRM company typed with 1's SIREN; 1: the registry dossier of that SIREN; 2: the dossier the person says
    // the CRM company is. The equal SIREN of 0 and 1 would glue two registry dossiers through the decision.
    const result = clusterLinks({
      records: 4,
      links: [link(0, 1, 40, true), decided(0, 2), link(2, 3, 20)],
      strongIdentifiers: [{ name: 'siren', values: ['552100554', '552100554', '732829320', null] }],
      cannotLink: [],
    });
    expect(sameCluster(result.clusterOf, 0, 2)).toBe(true);
    expect(sameCluster(result.clusterOf, 0, 1)).toBe(false);
    // A record without a SIREN still joins by its other fields.
    expect(sameCluster(result.clusterOf, 2, 3)).toBe(true);
    expect(result.refused).toEqual([
      expect.objectContaining({
        link: link(0, 1, 40, true),
        reason: RefusalReason.strongIdentifier,
        detail: 'siren: 552100554 / 732829320 ≠ 552100554',
      }),
    ]);
  });

  it('joins automatically a cluster that carries exactly the same decided values', () => {
    const result = clusterLinks({
      records: 4,
      links: [decided(0, 1), decided(2, 3), link(1, 2, 30)],
      strongIdentifiers: [{ name: 'siren', values: ['552100554', '732829320', '732829320', '552100554'] }],
      cannotLink: [],
    });
    expect(result.clusterCount).toBe(1);
  });
});

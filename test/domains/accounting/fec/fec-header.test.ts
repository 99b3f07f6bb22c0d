import { describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../../../src/domains/accounting/fec-columns.js';
import { resolveFecHeader } from '../../../../src/domains/accounting/fec/fec-header.js';

const standard = [...FEC_STANDARD_COLUMNS];

describe('resolveFecHeader', () => {
  it('matches names in any case to the norm spelling and ignores the empty name of a trailing separator', () => {
    const header = resolveFecHeader([...standard.map((name) => name.toUpperCase()), '']);
    expect(header.names).toEqual(standard);
    expect(header.layout).toEqual({ amounts: 'debit-credit', columns: 18, variant: 'standard' });
    expect(header.missing).toEqual([]);
    expect(header.outOfOrder).toBe(false);
    expect(
      resolveFecHeader(standard.map((name) => (name === 'Montantdevise' ? 'MontantDevise' : name))).unknown,
    ).toEqual([]);
  });

  it('detects the Montant + Sens layout', () => {
    const names = standard.flatMap((name) =>
      name === 'Debit' ? ['Montant', 'Sens'] : name === 'Credit' ? [] : [name],
    );
    const header = resolveFecHeader(names);
    expect(header.layout.amounts).toBe('montant-sens');
    expect(header.missing).toEqual([]);
    expect(header.missingAmounts).toEqual([]);
    expect(resolveFecHeader(names.filter((name) => name !== 'Montant')).missingAmounts).toEqual(['Montant']);
    expect(header.outOfOrder).toBe(false);
  });

  it('detects the 21- and 22-column BA/BNC variants', () => {
    expect(resolveFecHeader([...standard, 'DateRglt', 'ModeRglt', 'NatOp']).layout).toEqual({
      amounts: 'debit-credit',
      columns: 21,
      variant: 'ba-bnc',
    });
    expect(resolveFecHeader([...standard, 'DateRglt', 'ModeRglt', 'NatOp', 'IdClient']).layout.variant).toBe(
      'ba-bnc-idclient',
    );
    expect(resolveFecHeader([...standard, 'DateRglt']).missing).toEqual(['ModeRglt', 'NatOp']);
  });

  it('reports missing, duplicate, unknown and shuffled columns', () => {
    const header = resolveFecHeader([
      'CompteNum',
      ...standard.filter((name) => name !== 'CompteNum' && name !== 'Credit'),
      'Debit',
      'Remarque',
    ]);
    expect(header.missing).toEqual(['Credit']);
    expect(header.missingAmounts).toEqual(['Credit']);
    expect(header.duplicates).toEqual(['Debit']);
    expect(header.unknown).toEqual(['Remarque']);
    expect(header.outOfOrder).toBe(true);
  });

  it('names the amount columns a header lacks, every one for a file that is no FEC', () => {
    expect(resolveFecHeader(standard).missingAmounts).toEqual([]);
    expect(resolveFecHeader(['id,name']).missingAmounts).toEqual(['Debit', 'Credit']);
  });
});

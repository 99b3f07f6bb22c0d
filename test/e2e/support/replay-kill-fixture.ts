import { companiesContactsPlan } from './companies-contacts-plan.js';

/**
 * The portfolio of the tests that kill `cutover replay`: 10 companies and 100,000 contacts, two of them with an
 * impossible birth date, an early one that the fixed export mends and a late one that it keeps, so that a replay has
 * work past its first batches.
 */
export const CONTACTS = 100_000;
export const LATE_REJECT = 90_000;

/** The plan, with the batch size that puts the kill where a test wants it. */
export const replayKillPlan = (name: string, batchSize: number): string =>
  companiesContactsPlan(name, {
    batchSize,
    contactFields: ['birth_date: birth_date', 'company_id: company_id'],
  });

/** The contacts export: as first exported, or fixed (the early bad date mended, the late one left). */
export const replayKillContacts = (fixedEarly: boolean): string => {
  const lines = ['contact_id,last_name,birth_date,company_id'];
  for (let i = 1; i <= CONTACTS; i++) {
    const invalid = (i === 3 && !fixedEarly) || i === LATE_REJECT;
    lines.push(`P${i},L${i},${invalid ? '1980-02-30' : '1980-01-01'},C${(i % 10) + 1}`);
  }
  return `${lines.join('\n')}\n`;
};

export const replayKillCompanies = `company_id,name\n${Array.from({ length: 10 }, (_, i) => `C${i + 1},Co ${i + 1}\n`).join('')}`;

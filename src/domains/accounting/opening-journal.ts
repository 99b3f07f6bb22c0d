/**
 * Opening-balance (à-nouveaux) journals by their usual codes: the norm wants their entries first in a FEC, and a
 * journal coded so is one whatever a plan maps its kind to.
 */
export const OPENING_JOURNAL_CODES: readonly string[] = ['AN', 'ANO', 'RAN', 'AN0', 'ANX', 'ANC'];

const codes = new Set(OPENING_JOURNAL_CODES);

/** An opening journal by its code, or by a label that says so (`A nouveaux`, `Report à nouveau`). */
export const isOpeningJournal = (code: string, label: string): boolean =>
  codes.has(code.toUpperCase()) ||
  /(^|[^a-z])(a|à|report a|report à) nouveaux?\b/i.test(label.normalize('NFC'));

/**
 * What a resume says, as [code, entity, message], when the companies export changed between the kill and the
 * resume of a run killed in its contacts: the companies read again, and the contacts with them.
 */
export const companiesChangedNotices = [
  [
    'SOURCE_CHANGED_ON_RESUME',
    'company',
    'the files of company changed since this run began loading them (companies.csv): read again from the start, not resumed by position',
  ],
  [
    'SOURCE_CHANGED_ON_RESUME',
    'contact',
    'contact read again from the start with the rest of dossier crm, whose files changed since this run began loading them',
  ],
];

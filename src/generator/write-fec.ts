import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { formatDay, monthEndAfter } from './calendar.js';
import type { DossierProfile } from './dossier-profiles.js';
import { bookYear } from './fec-book.js';
import { journals } from './fec-entries.js';
import { defectOf, DefectKind, type Defect, type EntityCounts } from './manifest.js';
import type { Random } from './random.js';
import { openTextSink } from './text-sink.js';
import { FEC_STANDARD_COLUMNS } from '../domains/accounting/fec-columns.js';

/** The 18 columns of the FEC (fichier des écritures comptables, article A47 A-1 of the French tax code). */
export const fecColumns = FEC_STANDARD_COLUMNS;

export interface FecResult {
  /** Path relative to the portfolio folder, `/`-separated. */
  readonly file: string;
  readonly bytes: number;
  readonly lines: number;
  /** Source records per accounting entity, as the plan reads them (distinct journals, accounts...). */
  readonly counts: EntityCounts;
  readonly defects: readonly Defect[];
  /** Third parties of this FEC that are other clients of the firm: the accounting side of the link truth. */
  readonly partners: readonly { readonly key: string; readonly client: string }[];
}

/** Cents as the FEC writes amounts: decimal comma, no thousands separator (123456 -> `1234,56`). */
export const formatCents = (cents: number): string => {
  const units = Math.floor(cents / 100);
  const rest = cents - units * 100;
  return `${units},${rest < 10 ? '0' : ''}${rest}`;
};

/**
 * Writes the dossier's FEC to `fec/<dossier>/<SIREN>FEC<closing date>.txt` as the law lays it out: tab
 * separated, one line per entry line, dates `yyyyMMdd`, decimal comma. Line endings are CRLF, as the Windows
 * software that produces most FECs writes them.
 *
 * When the profile says so, one non-first line of one purchase entry gets `N/A` as its debit: that entry line
 * is a known reject (INVALID_AMOUNT) while its entry, read from its first line, still loads.
 */
export const writeFec = async (
  profile: DossierProfile,
  random: Random,
  outDir: string,
): Promise<FecResult> => {
  const folder = `fec/${profile.id}`;
  const file = `${folder}/${profile.siren}FEC${formatDay(profile.fiscalYearEnd, 'compact')}.txt`;
  await mkdir(path.join(outDir, folder), { recursive: true });
  const sink = openTextSink(path.join(outDir, file));
  const { software } = profile;
  const caps = (text: string) => (software.upperCaseLabels ? text.toUpperCase() : text);
  const journalLabels = Object.fromEntries(
    Object.entries(journals).map(([code, journal]) => [code, caps(journal.label)]),
  );
  const numbers = new Map<string, number>();
  const accountsSeen = new Set<string>();
  const partiesSeen = new Set<string>();
  const defects: Defect[] = [];
  // A defect goes in a purchase entry of a month after the first, so the dossier has other AC entries too.
  let defectMonth = profile.fecDefect ? random.int(1, 6) : Number.POSITIVE_INFINITY;
  let month = 0;
  let line = 1;
  let entries = 0;

  await sink.write(`${fecColumns.join('\t')}\r\n`);
  let partners: ReadonlyMap<string, string> = new Map();
  const book = bookYear(profile, random.fork('book'), (parties) => {
    partners = parties.partners;
  });
  for (const batch of book) {
    for (const entry of batch) {
      const count = (numbers.get(entry.journal) ?? 0) + 1;
      numbers.set(entry.journal, count);
      entries++;
      const number =
        software.entryNumberWidth > 0
          ? String(count).padStart(software.entryNumberWidth, '0')
          : String(count);
      // Validated in monthly batches, some days after the month closes.
      const validDate = formatDay(monthEndAfter(entry.day, 0) + 1 + ((count * 7) % 20), 'compact');
      const head = `${entry.journal}\t${journalLabels[entry.journal] ?? entry.journal}\t${number}\t${formatDay(entry.day, 'compact')}\t`;
      const piece = `\t${entry.pieceRef}\t${formatDay(entry.pieceDay, 'compact')}\t${entry.label}\t`;
      const injectHere = month >= defectMonth && entry.journal === 'AC' && entry.lines.length > 1;
      for (const [index, entryLine] of entry.lines.entries()) {
        line++;
        accountsSeen.add(entryLine.account.number);
        if (entryLine.party) partiesSeen.add(entryLine.party.number);
        let debit = formatCents(entryLine.debit);
        if (injectHere && index === 1) {
          debit = 'N/A';
          // The plan keys entry lines on closing date|JournalCode|entry key|the line's number within its entry.
          const sourceKey = `${formatDay(profile.fiscalYearEnd, 'iso')}|${entry.journal}|${number}|${index + 1}`;
          defects.push(defectOf('entry_line', file, line, sourceKey, DefectKind.invalidAmount));
        }
        const lettering = entryLine.lettering;
        const currency = entryLine.currency;
        const text =
          head +
          `${entryLine.account.number}\t${entryLine.account.label}\t${entryLine.party?.number ?? ''}\t${entryLine.party?.name ?? ''}` +
          piece +
          `${debit}\t${formatCents(entryLine.credit)}\t${lettering?.code ?? ''}\t${lettering ? formatDay(lettering.day, 'compact') : ''}\t${validDate}\t` +
          `${currency ? formatCents(currency.amount) : ''}\t${currency?.code ?? ''}\r\n`;
        const wait = sink.write(text);
        if (wait) await wait;
      }
      if (injectHere) defectMonth = Number.POSITIVE_INFINITY;
    }
    month++;
  }
  const bytes = await sink.close();
  return {
    file,
    bytes,
    lines: line - 1,
    counts: {
      fiscal_year: 1,
      journal: numbers.size,
      account: accountsSeen.size,
      third_party: partiesSeen.size,
      entry: entries,
      entry_line: line - 1,
    },
    defects,
    // Only the partners the year's entries used exist in the FEC (a third party is read off its lines).
    partners: [...partners].filter(([key]) => partiesSeen.has(key)).map(([key, client]) => ({ key, client })),
  };
};

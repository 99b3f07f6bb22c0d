import type Database from 'better-sqlite3';
import { fromMicroUnits, toMicroUnits } from '../../core/money.js';
import { statementCache } from '../../store/target/sqlite-statements.js';
import { fieldText } from '../run/dossier-inputs.js';

/** Debit, credit and line count of one group of entry lines (amounts as exact decimal text). */
export interface ProofAmounts {
  readonly debit: string;
  readonly credit: string;
  readonly lines: number;
}

/** One row of a side-by-side balance: the source, the target, and what the ledger says did not load. */
export interface ProofRow {
  readonly key: string;
  readonly source: ProofAmounts;
  readonly target: ProofAmounts;
  /**
   * Source lines of this group with no target line whose fate in the ledger says why (rejected at load, skipped).
   * A line missing from the target with no such fate is not counted here: it makes the group differ.
   */
  readonly notLoaded: ProofAmounts;
  /** target = source - notLoaded, for debit, credit and line count. */
  readonly ok: boolean;
}

export const ProofCheck = {
  account: 'account',
  auxiliaryAccount: 'auxiliary_account',
  journalMonth: 'journal_month',
  lettering: 'lettering',
} as const;
export type ProofCheck = (typeof ProofCheck)[keyof typeof ProofCheck];

/**
 * A line that explains a difference: in one side only, or with other content on each side. `not_loaded`: no target
 * line, and the ledger gives the fate; `missing`: no target line and no fate in the ledger (deleted from the target
 * after the load, or never loaded): a difference.
 */
export interface ProofLine {
  readonly sourceKey: string;
  readonly issue: 'not_loaded' | 'missing' | 'target_only' | 'content_differs';
  readonly source?: LineFacts;
  readonly target?: LineFacts;
}

interface LineFacts {
  readonly account: string | null;
  readonly auxiliaryAccount: string | null;
  readonly debit: string | null;
  readonly credit: string | null;
  readonly lettering: string | null;
}

/** The opening balances of a year against the closing balance sheet of the year before. */
export interface OpeningCheck {
  readonly fiscalYear: string;
  readonly previousFiscalYear: string;
  /** Net result of the previous year (classes 6 and 7, debit - credit: positive is a loss). */
  readonly previousResult: string;
  /** Balance-sheet accounts (classes 1 to 5, equity 11/12 apart) whose opening differs from the closing. */
  readonly differences: readonly { account: string; closing: string; opening: string }[];
  /** Equity accounts 11x and 12x: opening = closing + result carried forward (both as debit - credit). */
  readonly equity: { readonly closing: string; readonly opening: string; readonly expectedOpening: string };
  readonly ok: boolean;
}

export interface AccountingProof {
  readonly ok: boolean;
  readonly counts: {
    readonly sourceEntries: number;
    readonly targetEntries: number;
    readonly sourceLines: number;
    readonly targetLines: number;
    readonly linesNotLoaded: number;
    /** Source lines with no target line and no fate in the ledger: each one a difference. */
    readonly linesMissing: number;
    /**
     * Amounts with more than 6 decimals, or past what the integer sums can hold (a side's amounts adding up to about
     * 4.6 trillion), compared line by line only: the proof is not ok while there is one.
     */
    readonly inexactAmounts: number;
  };
  readonly totals: {
    readonly source: ProofAmounts;
    readonly target: ProofAmounts;
    readonly notLoaded: ProofAmounts;
  };
  /** Trial balance per account (balance générale). */
  readonly accounts: readonly ProofRow[];
  /** Per auxiliary account (balance auxiliaire: customers, suppliers...). */
  readonly auxiliaryAccounts: readonly ProofRow[];
  /** Per journal and month (`VE 2024-03`). */
  readonly journalMonths: readonly ProofRow[];
  /** Lettering groups (account + lettering code): preserved when each group has the same lines and amounts. */
  readonly lettering: { readonly groups: number; readonly differences: readonly ProofRow[] };
  /** Groups of any check where target ≠ source - not loaded: what must be looked at. */
  readonly differences: readonly (ProofRow & { readonly check: ProofCheck })[];
  /** Lines behind the differences and the lines not loaded (first ones), to the line. */
  readonly lines: readonly ProofLine[];
  readonly opening: readonly OpeningCheck[];
}

/** Lines listed in a proof; the counts stay exact past it. */
const MAX_LISTED_LINES = 200;

const schema = `
  CREATE TABLE IF NOT EXISTS proof_journal (side TEXT, k TEXT, kind TEXT, PRIMARY KEY (side, k));
  CREATE TABLE IF NOT EXISTS proof_entry (side TEXT, k TEXT, journal TEXT, day TEXT, year TEXT, PRIMARY KEY (side, k));
  CREATE TABLE IF NOT EXISTS proof_line (side TEXT, k TEXT, entry TEXT, account TEXT, aux TEXT, debit INTEGER,
    credit INTEGER, lettering TEXT, debit_text TEXT, credit_text TEXT, PRIMARY KEY (side, k));
  CREATE TABLE IF NOT EXISTS proof_flat (side TEXT, account TEXT, aux TEXT, lettering TEXT, debit INTEGER,
    credit INTEGER, journal TEXT, day TEXT, not_loaded INTEGER);
  CREATE TABLE IF NOT EXISTS proof_explained (k TEXT PRIMARY KEY);
`;

type Side = 'source' | 'target';

export interface EntryFacts {
  readonly journal: unknown;
  readonly date: unknown;
  readonly fiscalYear: unknown;
}

export interface LineInput {
  readonly entry: unknown;
  readonly account: unknown;
  readonly auxiliaryAccount: unknown;
  readonly debit: unknown;
  readonly credit: unknown;
  readonly lettering: unknown;
}

const text = (value: unknown): string | null => fieldText(value) ?? null;

const zero: ProofAmounts = { debit: '0', credit: '0', lines: 0 };

interface SumRow {
  g: string | null;
  sd: bigint | null;
  sc: bigint | null;
  sn: bigint | null;
  td: bigint | null;
  tc: bigint | null;
  tn: bigint | null;
  xd: bigint | null;
  xc: bigint | null;
  xn: bigint | null;
}

const amounts = (debit: bigint | null, credit: bigint | null, lines: bigint | null): ProofAmounts => ({
  debit: fromMicroUnits(debit ?? 0n),
  credit: fromMicroUnits(credit ?? 0n),
  lines: Number(lines ?? 0n),
});

/**
 * The accounting proof of one dossier, set-based: the reconciliation hands it the journals, entries and lines it
 * maps from the source and reads back from the target; they go to a scratch SQLite as integer millionths, and
 * every balance is a GROUP BY. The expectation is exact: target = source - lines the ledger says did not load.
 */
/**
 * The most the amounts of one side of a dossier may add up to, in absolute millionths (about 4.6 trillion): every
 * sum the proof takes, of any group, stays inside SQLite's 64-bit integers. An amount past it (one of 9.2 trillion
 * failed to bind, and a few trillion summed overflowed: either ended the whole reconcile) is counted as inexact.
 */
const MAX_SIDE_TOTAL = 2n ** 62n;

export const createAccountingProof = (scratch: Database.Database) => {
  scratch.exec(schema);
  // The same groupings and counts for every dossier: each SQL text parsed and planned once.
  const prepare = statementCache(scratch);
  const insertJournal = scratch.prepare('INSERT OR IGNORE INTO proof_journal VALUES (?, ?, ?)');
  const insertEntry = scratch.prepare('INSERT OR IGNORE INTO proof_entry VALUES (?, ?, ?, ?, ?)');
  const insertLine = scratch.prepare(
    'INSERT OR IGNORE INTO proof_line VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertExplained = scratch.prepare('INSERT OR IGNORE INTO proof_explained VALUES (?)');
  let inexact = 0;
  let seen = false;
  /** What the amounts of each side add up to so far, in absolute millionths (see MAX_SIDE_TOTAL). */
  const summed = { source: 0n, target: 0n };

  const micro = (side: Side, value: unknown): bigint | null => {
    const amount = text(value);
    if (amount === null) return null;
    const units = toMicroUnits(amount);
    const total = units === undefined ? undefined : summed[side] + (units < 0n ? -units : units);
    if (units === undefined || total === undefined || total > MAX_SIDE_TOTAL) {
      inexact += 1;
      return null;
    }
    summed[side] = total;
    return units;
  };

  const journal = (side: Side, key: string, kind: unknown) => {
    seen = true;
    insertJournal.run(side, key, text(kind));
  };
  const entry = (side: Side, key: string, facts: EntryFacts) => {
    seen = true;
    insertEntry.run(side, key, text(facts.journal), text(facts.date), text(facts.fiscalYear));
  };
  const line = (side: Side, key: string, input: LineInput) => {
    seen = true;
    insertLine.run(
      side,
      key,
      text(input.entry),
      text(input.account),
      text(input.auxiliaryAccount),
      micro(side, input.debit),
      micro(side, input.credit),
      text(input.lettering),
      text(input.debit),
      text(input.credit),
    );
  };

  /** A line's source key that the ledger gives a fate other than loaded: its absence from the target is explained. */
  const explainedByLedger = (key: string) => {
    insertExplained.run(key);
  };

  /**
   * Every line once, with its entry's journal and day and whether it is a source line with no target line that the
   * ledger explains (a line missing for no recorded reason stays a difference): the
   * groupings below each read this in one pass, instead of joining the entries and looking for the target line
   * again for every grouping and side (three scans each, five groupings).
   */
  const flatten = () => {
    scratch.exec(`DELETE FROM proof_flat;
      INSERT INTO proof_flat
        SELECT l.side, l.account, l.aux, l.lettering, l.debit, l.credit, e.journal, e.day,
               l.side = 'source' AND NOT EXISTS (SELECT 1 FROM proof_line o WHERE o.side = 'target' AND o.k = l.k)
                 AND EXISTS (SELECT 1 FROM proof_explained x WHERE x.k = l.k)
        FROM proof_line l LEFT JOIN proof_entry e ON e.side = l.side AND e.k = l.entry`);
  };

  /**
   * Sums per group on each side, and of the source lines with no target line. `group` and `where` are expressions
   * over proof_flat's columns (account, aux, lettering, journal, day).
   */
  const grouped = (group: string, where = '1 = 1'): ProofRow[] => {
    const sums = (prefix: string, when: string) =>
      `sum(CASE WHEN ${when} THEN debit END) AS ${prefix}d, sum(CASE WHEN ${when} THEN credit END) AS ${prefix}c,
       sum(CASE WHEN ${when} THEN 1 ELSE 0 END) AS ${prefix}n`;
    const rows = prepare(
      `SELECT ${group} AS g, ${sums('s', "side = 'source'")}, ${sums('t', "side = 'target'")},
                ${sums('x', 'not_loaded')}
         FROM proof_flat WHERE ${where} GROUP BY 1 ORDER BY 1`,
    )
      .safeIntegers(true)
      .all() as SumRow[];
    return rows.map((row) => {
      const ok =
        (row.sd ?? 0n) - (row.xd ?? 0n) === (row.td ?? 0n) &&
        (row.sc ?? 0n) - (row.xc ?? 0n) === (row.tc ?? 0n) &&
        (row.sn ?? 0n) - (row.xn ?? 0n) === (row.tn ?? 0n);
      return {
        key: row.g ?? '(none)',
        source: amounts(row.sd, row.sc, row.sn),
        target: amounts(row.td, row.tc, row.tn),
        notLoaded: amounts(row.xd, row.xc, row.xn),
        ok,
      };
    });
  };

  const count = (sql: string): number => (prepare(sql).get() as { n: number }).n;

  const listedLines = (): ProofLine[] => {
    const facts = (prefix: string) =>
      `${prefix}.account AS ${prefix}_account, ${prefix}.aux AS ${prefix}_aux, ${prefix}.debit_text AS ${prefix}_debit,
       ${prefix}.credit_text AS ${prefix}_credit, ${prefix}.lettering AS ${prefix}_lettering`;
    const rows = prepare(
      `SELECT listed.k AS k, listed.issue AS issue, ${facts('s')}, ${facts('t')} FROM (
           SELECT s.k AS k, 'content_differs' AS issue, s.rowid AS sr, t.rowid AS tr FROM proof_line s
             JOIN proof_line t ON t.side = 'target' AND t.k = s.k
             WHERE s.side = 'source' AND (s.account IS NOT t.account OR s.aux IS NOT t.aux OR s.debit IS NOT t.debit
               OR s.credit IS NOT t.credit OR s.lettering IS NOT t.lettering)
           UNION ALL
           SELECT t.k, 'target_only', NULL, t.rowid FROM proof_line t WHERE t.side = 'target'
             AND NOT EXISTS (SELECT 1 FROM proof_line s WHERE s.side = 'source' AND s.k = t.k)
           UNION ALL
           SELECT s.k, 'missing', s.rowid, NULL FROM proof_line s WHERE s.side = 'source'
             AND NOT EXISTS (SELECT 1 FROM proof_line t WHERE t.side = 'target' AND t.k = s.k)
             AND NOT EXISTS (SELECT 1 FROM proof_explained x WHERE x.k = s.k)
           UNION ALL
           SELECT s.k, 'not_loaded', s.rowid, NULL FROM proof_line s WHERE s.side = 'source'
             AND NOT EXISTS (SELECT 1 FROM proof_line t WHERE t.side = 'target' AND t.k = s.k)
             AND EXISTS (SELECT 1 FROM proof_explained x WHERE x.k = s.k)
           LIMIT ${MAX_LISTED_LINES}) AS listed
         LEFT JOIN proof_line s ON s.rowid = listed.sr LEFT JOIN proof_line t ON t.rowid = listed.tr
         ORDER BY CASE listed.issue WHEN 'not_loaded' THEN 1 ELSE 0 END, listed.k`,
    ).all() as Record<string, string | null>[];
    const factsOf = (row: Record<string, string | null>, prefix: string): LineFacts | undefined =>
      row[`${prefix}_account`] === undefined ||
      (row[`${prefix}_account`] === null &&
        row[`${prefix}_debit`] === null &&
        row[`${prefix}_credit`] === null)
        ? undefined
        : {
            account: row[`${prefix}_account`] ?? null,
            auxiliaryAccount: row[`${prefix}_aux`] ?? null,
            debit: row[`${prefix}_debit`] ?? null,
            credit: row[`${prefix}_credit`] ?? null,
            lettering: row[`${prefix}_lettering`] ?? null,
          };
    return rows.map((row) => {
      const source = factsOf(row, 's');
      const target = factsOf(row, 't');
      return {
        sourceKey: row.k ?? '',
        issue: row.issue as ProofLine['issue'],
        ...(source === undefined ? {} : { source }),
        ...(target === undefined ? {} : { target }),
      };
    });
  };

  /** Year N's opening entries against year N-1's closing balance sheet, in the target (both years loaded). */
  const openingChecks = (): OpeningCheck[] => {
    const years = (
      prepare(
        "SELECT DISTINCT year FROM proof_entry WHERE side = 'target' AND year IS NOT NULL ORDER BY year",
      ).all() as { year: string }[]
    ).map((row) => row.year);
    const checks: OpeningCheck[] = [];
    for (let index = 1; index < years.length; index += 1) {
      const previous = years[index - 1] as string;
      const year = years[index] as string;
      const balances = (filter: string, yearOf: string) =>
        prepare(
          `SELECT l.account AS account, sum(coalesce(l.debit, 0) - coalesce(l.credit, 0)) AS net
             FROM proof_line l JOIN proof_entry e ON e.side = 'target' AND e.k = l.entry
             LEFT JOIN proof_journal j ON j.side = 'target' AND j.k = e.journal
             WHERE l.side = 'target' AND e.year = ? AND ${filter} GROUP BY l.account`,
        )
          .safeIntegers(true)
          .all(yearOf) as { account: string | null; net: bigint }[];
      const closing = new Map(
        balances('1 = 1', previous).map((row) => [row.account ?? '', row.net] as const),
      );
      const opening = new Map(
        balances("j.kind = 'opening'", year).map((row) => [row.account ?? '', row.net] as const),
      );
      const classOf = (account: string) => account.charAt(0);
      const isEquityCarry = (account: string) => account.startsWith('11') || account.startsWith('12');
      let result = 0n;
      let equityClosing = 0n;
      let equityOpening = 0n;
      const differences: OpeningCheck['differences'][number][] = [];
      for (const [account, net] of closing) {
        if (classOf(account) === '6' || classOf(account) === '7') result += net;
      }
      const accounts = new Set([...closing.keys(), ...opening.keys()]);
      for (const account of [...accounts].sort()) {
        const accountClass = classOf(account);
        if (accountClass < '1' || accountClass > '5') continue;
        const closed = closing.get(account) ?? 0n;
        const opened = opening.get(account) ?? 0n;
        if (isEquityCarry(account)) {
          equityClosing += closed;
          equityOpening += opened;
          continue;
        }
        if (closed !== opened) {
          differences.push({ account, closing: fromMicroUnits(closed), opening: fromMicroUnits(opened) });
        }
      }
      const expectedOpening = equityClosing + result;
      checks.push({
        fiscalYear: year,
        previousFiscalYear: previous,
        previousResult: fromMicroUnits(result),
        differences,
        equity: {
          closing: fromMicroUnits(equityClosing),
          opening: fromMicroUnits(equityOpening),
          expectedOpening: fromMicroUnits(expectedOpening),
        },
        ok: differences.length === 0 && expectedOpening === equityOpening,
      });
    }
    return checks;
  };

  const finish = (): AccountingProof | undefined => {
    if (!seen) return undefined;
    flatten();
    const accounts = grouped('account');
    const auxiliaryAccounts = grouped('aux', 'aux IS NOT NULL');
    const journalMonths = grouped(
      "coalesce(journal, '?') || ' ' || coalesce(substr(day, 1, 7), '(entry not loaded)')",
    );
    const letteringRows = grouped("account || ' ' || lettering", 'lettering IS NOT NULL');
    const [total] = grouped("'all'");
    const differences = [
      ...accounts.filter((row) => !row.ok).map((row) => ({ ...row, check: ProofCheck.account })),
      ...auxiliaryAccounts
        .filter((row) => !row.ok)
        .map((row) => ({ ...row, check: ProofCheck.auxiliaryAccount })),
      ...journalMonths.filter((row) => !row.ok).map((row) => ({ ...row, check: ProofCheck.journalMonth })),
      ...letteringRows.filter((row) => !row.ok).map((row) => ({ ...row, check: ProofCheck.lettering })),
    ];
    const opening = openingChecks();
    const linesNotLoaded = count('SELECT count(*) AS n FROM proof_flat WHERE not_loaded');
    const linesWithoutTarget = count(
      `SELECT count(*) AS n FROM proof_line s WHERE s.side = 'source'
         AND NOT EXISTS (SELECT 1 FROM proof_line t WHERE t.side = 'target' AND t.k = s.k)`,
    );
    return {
      ok: differences.length === 0 && inexact === 0 && opening.every((check) => check.ok),
      counts: {
        sourceEntries: count("SELECT count(*) AS n FROM proof_entry WHERE side = 'source'"),
        targetEntries: count("SELECT count(*) AS n FROM proof_entry WHERE side = 'target'"),
        sourceLines: count("SELECT count(*) AS n FROM proof_line WHERE side = 'source'"),
        targetLines: count("SELECT count(*) AS n FROM proof_line WHERE side = 'target'"),
        linesNotLoaded,
        linesMissing: linesWithoutTarget - linesNotLoaded,
        inexactAmounts: inexact,
      },
      totals: {
        source: total?.source ?? zero,
        target: total?.target ?? zero,
        notLoaded: total?.notLoaded ?? zero,
      },
      accounts,
      auxiliaryAccounts,
      journalMonths,
      lettering: { groups: letteringRows.length, differences: letteringRows.filter((row) => !row.ok) },
      differences,
      lines: listedLines(),
      opening,
    };
  };

  /** Empties the tables for the next dossier. */
  const reset = () => {
    scratch.exec(
      'DELETE FROM proof_journal; DELETE FROM proof_entry; DELETE FROM proof_line; DELETE FROM proof_flat; DELETE FROM proof_explained',
    );
    inexact = 0;
    summed.source = 0n;
    summed.target = 0n;
    seen = false;
  };

  return { journal, entry, line, explainedByLedger, finish, reset };
};

export type AccountingProofCollector = ReturnType<typeof createAccountingProof>;

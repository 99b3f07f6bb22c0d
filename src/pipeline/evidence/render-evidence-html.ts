import { valueText } from '../../core/value-text.js';
import type { ProofLine, ProofRow } from '../reconcile/accounting-proof.js';
import type { EvidencePack } from './evidence-pack.js';
import { formatAmount, formatCount } from './french-format.js';

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const cell = (text: string, className?: string): string =>
  `<td${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(text)}</td>`;

const status = (ok: boolean): string =>
  ok ? '<td class="ok">✓ equal</td>' : '<td class="bad">✗ differs</td>';

/** `numbers`: the columns between the first and the last hold numbers (headers aligned right like them). */
const table = (headers: readonly string[], rows: readonly string[], className = ''): string =>
  `<table class="${className}"><thead><tr>${headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;

/** The cells of one group, source and target side by side; `notLoaded` shown only when some lines did not load. */
const balanceCells = (row: ProofRow): string =>
  `${cell(row.key, 'key')}${cell(formatAmount(row.source.debit), 'num')}${cell(formatAmount(row.source.credit), 'num')}${cell(formatAmount(row.target.debit), 'num')}${cell(formatAmount(row.target.credit), 'num')}${cell(row.notLoaded.lines === 0 ? '' : `${formatCount(row.notLoaded.lines)} lines`, 'num')}${status(row.ok)}`;

const balanceRows = (rows: readonly ProofRow[]): string[] =>
  rows.map((row) => `<tr>${balanceCells(row)}</tr>`);

const balanceHeaders = [
  '',
  'Source debit',
  'Source credit',
  'Target debit',
  'Target credit',
  'Not loaded',
  'Check',
];

const section = (id: string, title: string, body: string, note = ''): string =>
  `<section id="${id}"><h2>${escapeHtml(title)}</h2>${note === '' ? '' : `<p class="note">${escapeHtml(note)}</p>`}${body}</section>`;

const styles = `
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; border-bottom: 1px solid #d8dce4; padding-bottom: .2rem; margin-top: 2rem; }
  .meta { color: #566; } .note { color: #566; margin: .2rem 0 .6rem; }
  .verdict { padding: .8rem 1rem; border-radius: 6px; font-weight: 600; margin: 1rem 0; }
  .verdict.ok { background: #e7f6ec; border: 1px solid #8fd19e; } .verdict.bad { background: #fdecea; border: 1px solid #f5a9a1; }
  table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: 13px; }
  th, td { border-bottom: 1px solid #e6e8ee; padding: .25rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f4f6f9; font-weight: 600; } table.numbers th:not(:first-child):not(:last-child) { text-align: right; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  td.ok { color: #1a7f37; white-space: nowrap; } td.bad { color: #b42318; font-weight: 600; white-space: nowrap; }
  tr.total td { font-weight: 700; border-top: 2px solid #1d2330; }
  code, .raw { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12px; word-break: break-all; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: #566; } dd { margin: 0; }
  @media print { body { margin: 0; max-width: none; } section { break-inside: avoid-page; } }
`;

/** A registry attribute as text (valueText): an object or a list (a JSON registry's) as its JSON, not `[object Object]`. */
const attributeText = (value: unknown): string => valueText(value) ?? '';

/**
 * The entry lines the balances leave out: the proof sums the lines the plan maps, so one skipped or rejected when
 * read (an amount written `N/A`, an empty credit) is in no total. Unsaid, a 28-line FEC read "26 lines read".
 */
const outsideProof = (pack: EvidencePack, proofLines: number): string => {
  const lines = pack.counts.find((entity) => entity.entity === 'entry_line');
  const left = (lines?.source ?? proofLines) - proofLines;
  if (left <= 0) return '';
  return ` The source's ${formatCount(lines!.source)} entry lines include ${formatCount(left)} skipped or rejected when read (an amount, date or account that cannot be read), which no total here counts; the rejected ones are listed below with their reason.`;
};

/** A line of the differences as `account D debit C credit`, its amounts written as the balances' are. */
const lineFacts = (facts: ProofLine['source']): string =>
  facts === undefined
    ? ''
    : `${facts.account ?? ''} D ${facts.debit === null ? '' : formatAmount(facts.debit)} C ${facts.credit === null ? '' : formatAmount(facts.credit)}`;

/**
 * The evidence pack as one self-contained HTML page (no script, no external resource), written for an accountant
 * or an auditor: the verdict first, then what was read, counted and balanced, and every rejected line with its reason.
 */
export const renderEvidenceHtml = (pack: EvidencePack): string => {
  const { dossier, accounting } = pack;
  const title = `Migration evidence — ${dossier.name ?? dossier.id}`;
  const attributes = Object.entries(dossier.attributes)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(attributeText(value))}</dd>`)
    .join('');

  const parts: string[] = [];
  parts.push(
    `<header><h1>${escapeHtml(title)}</h1><p class="meta">Dossier <code>${escapeHtml(dossier.id)}</code> · plan ${escapeHtml(pack.plan.name)} version <code>${escapeHtml(pack.plan.version)}</code> · ${pack.run === null ? 'no run recorded' : `run <code>${escapeHtml(pack.run.id)}</code> (${escapeHtml(pack.run.status)})`} · generated ${escapeHtml(pack.generatedAt)} by cutover ${escapeHtml(pack.cutoverVersion)}</p>`,
    `<div class="verdict ${pack.verdict.ok ? 'ok' : 'bad'}" id="verdict">${pack.verdict.ok ? '✓' : '✗'} ${escapeHtml(pack.verdict.summary)}</div>`,
    attributes === '' ? '' : `<dl>${attributes}</dl>`,
    '</header>',
  );

  parts.push(
    section(
      'inputs',
      'Input files',
      table(
        ['Source', 'Size (bytes)', 'SHA-256', 'Read for'],
        pack.inputs.map(
          (input) =>
            `<tr>${cell(input.source, 'raw')}${cell(input.bytes === undefined ? input.kind : formatCount(input.bytes), 'num')}${cell(input.sha256 ?? '', 'raw')}${cell(input.entities.join(', '))}</tr>`,
        ),
      ),
      'The checksum identifies the exact file that was migrated: recomputing it on the archived file proves it is the same.',
    ),
  );

  if (pack.validation.length > 0) {
    parts.push(
      section(
        'validation',
        'FEC validation (the legacy export checked against the norm)',
        pack.validation
          .map((report) => {
            const summary = report.summary;
            const facts = `<p>${report.valid ? '✓ No error.' : '✗ Errors found.'} <code>${escapeHtml(report.files.join(', '))}</code>: ${formatCount(summary.lines)} lines, ${formatCount(summary.entries)} entries (${formatCount(summary.unbalancedEntries)} unbalanced), total debit ${escapeHtml(formatAmount(summary.totalDebit))}, total credit ${escapeHtml(formatAmount(summary.totalCredit))}; numbering ${escapeHtml(summary.numbering.mode)}, entries keyed by ${escapeHtml(summary.entryKey)}; findings: ${formatCount(summary.findings.error)} errors, ${formatCount(summary.findings.alert)} alerts, ${formatCount(summary.findings['missing-data'])} missing data.</p>`;
            const findings =
              report.findings.length === 0
                ? ''
                : table(
                    ['Severity', 'Code', 'Finding', 'Count', 'Lines'],
                    report.findings.map(
                      (finding) =>
                        `<tr>${cell(finding.severity, finding.severity === 'error' ? 'bad' : undefined)}${cell(finding.code, 'raw')}${cell(finding.message)}${cell(formatCount(finding.count), 'num')}${cell(finding.lines.length === 0 ? 'the whole file' : finding.lines.join(', ') + (finding.count > finding.lines.length ? ', …' : ''))}</tr>`,
                    ),
                  );
            return facts + findings;
          })
          .join(''),
        'What the legacy software wrote, before any migration: errors break the norm (art. A47 A-1 LPF), alerts deserve a look, missing data are empty optional facts.',
      ),
    );
  }

  parts.push(
    section(
      'counts',
      'Records per entity',
      table(
        [
          'Entity',
          'Source',
          'Loaded',
          'Merged',
          'Skipped',
          'Rejected',
          'Unaccounted',
          'Target rows',
          'Check',
        ],
        // Entities the dossier has nothing of (the CRM's in an accounting dossier) would only be noise.
        pack.counts
          .filter((entity) => entity.source > 0 || entity.targetRows > 0 || entity.loaded > 0)
          .map(
            (entity) =>
              `<tr>${cell(entity.entity, 'key')}${[entity.source, entity.loaded, entity.merged, entity.skipped, entity.rejected, entity.unaccounted, entity.targetRows].map((n) => cell(formatCount(n), 'num')).join('')}${status(entity.ok)}</tr>`,
          ),
        'numbers',
      ) +
        pack.counts
          .filter((entity) => !entity.ok && entity.samples.length > 0)
          .map(
            (entity) =>
              `<p class="note">${escapeHtml(entity.entity)}${entity.missingFromTarget > 0 ? `: ${formatCount(entity.missingFromTarget)} source record${entity.missingFromTarget === 1 ? '' : 's'} missing from the target with no fate in the ledger` : ''}; source keys to look at first: ${entity.samples.map((key) => `<code>${escapeHtml(key)}</code>`).join(', ')}</p>`,
          )
          .join(''),
      'Every source record has exactly one fate: loaded, merged into a survivor (deduplication), skipped by a named rule, or rejected with a reason. Unaccounted must be 0.',
    ),
  );

  if (accounting !== null) {
    const totals = accounting.totals;
    const totalRow = `<tr class="total">${cell('Total', 'key')}${cell(formatAmount(totals.source.debit), 'num')}${cell(formatAmount(totals.source.credit), 'num')}${cell(formatAmount(totals.target.debit), 'num')}${cell(formatAmount(totals.target.credit), 'num')}${cell(totals.notLoaded.lines === 0 ? '' : `${formatCount(totals.notLoaded.lines)} lines`, 'num')}${status(accounting.accounts.every((row) => row.ok))}</tr>`;
    parts.push(
      section(
        'trial-balance',
        'Trial balance (balance générale), source against target',
        table(
          ['Account', ...balanceHeaders.slice(1)],
          [...balanceRows(accounting.accounts), totalRow],
          'balance',
        ),
        `${formatCount(accounting.counts.sourceEntries)} entries and ${formatCount(accounting.counts.sourceLines)} lines read; ${formatCount(accounting.counts.targetEntries)} entries and ${formatCount(accounting.counts.targetLines)} lines in the target. Lines that were rejected at load are shown under "Not loaded"; the target must equal the source less those lines.${outsideProof(pack, accounting.counts.sourceLines)}`,
      ),
      section(
        'auxiliary',
        'Auxiliary accounts (balance auxiliaire: customers, suppliers, staff)',
        accounting.auxiliaryAccounts.length === 0
          ? '<p>No auxiliary account.</p>'
          : table(
              ['Auxiliary account', ...balanceHeaders.slice(1)],
              balanceRows(accounting.auxiliaryAccounts),
            ),
      ),
      section(
        'journals',
        'Journals by month',
        table(
          ['Journal and month', ...balanceHeaders.slice(1)],
          balanceRows(accounting.journalMonths),
          'numbers',
        ),
      ),
      section(
        'lettering',
        'Lettering (lettrage)',
        accounting.lettering.differences.length === 0
          ? `<p>${formatCount(accounting.lettering.groups)} lettering groups, each with the same lines and amounts in the target.</p>`
          : table(
              ['Account and lettering code', ...balanceHeaders.slice(1)],
              balanceRows(accounting.lettering.differences),
            ),
      ),
      section(
        'opening',
        'Opening balances (à-nouveaux) against the previous closing',
        accounting.opening.length === 0
          ? '<p>Only one fiscal year is migrated: there is no previous closing to compare with.</p>'
          : accounting.opening
              .map(
                (check) =>
                  `<p>${check.ok ? '✓' : '✗'} Fiscal year ending ${escapeHtml(check.fiscalYear)} opens with the closing balance sheet of the year ending ${escapeHtml(check.previousFiscalYear)}; its result (${escapeHtml(formatAmount(check.previousResult))}, debit − credit) is carried to equity: expected ${escapeHtml(formatAmount(check.equity.expectedOpening))}, found ${escapeHtml(formatAmount(check.equity.opening))}.</p>${
                    check.differences.length === 0
                      ? ''
                      : table(
                          ['Account', 'Closing N-1', 'Opening N'],
                          check.differences.map(
                            (d) =>
                              `<tr>${cell(d.account, 'key')}${cell(formatAmount(d.closing), 'num')}${cell(formatAmount(d.opening), 'num')}</tr>`,
                          ),
                        )
                  }`,
              )
              .join(''),
      ),
    );
    parts.push(
      section(
        'differences',
        'Differences',
        accounting.differences.length === 0 && accounting.lines.every((line) => line.issue === 'not_loaded')
          ? '<p class="ok">None: every account, auxiliary account, journal-month and lettering group matches.</p>'
          : table(
              ['Check', 'Group', ...balanceHeaders.slice(1)],
              accounting.differences.map(
                (row) => `<tr>${cell(row.check.replace('_', ' '))}${balanceCells(row)}</tr>`,
              ),
            ) +
              table(
                ['Line (source key)', 'Issue', 'Source', 'Target'],
                accounting.lines
                  .filter((line) => line.issue !== 'not_loaded')
                  .map(
                    (line) =>
                      `<tr>${cell(line.sourceKey, 'raw')}${cell(line.issue.replace('_', ' '))}${cell(lineFacts(line.source))}${cell(lineFacts(line.target))}</tr>`,
                  ),
              ),
      ),
    );
  }

  parts.push(
    section(
      'rejected',
      `Rejected records (${formatCount(pack.rejected.total)})`,
      pack.rejected.total === 0
        ? '<p>None.</p>'
        : table(
            ['Entity', 'Where', 'Reason', 'Message', 'Record as read'],
            pack.rejected.listed.map(
              (entry) =>
                `<tr>${cell(entry.entity)}${cell(`${entry.source}${entry.line === null ? '' : ` line ${entry.line}`}`, 'raw')}${cell(entry.reason ?? '')}${cell(entry.message ?? '')}${cell(entry.raw, 'raw')}</tr>`,
            ),
          ) +
            (pack.rejected.listed.length < pack.rejected.total
              ? `<p class="note">The first ${formatCount(pack.rejected.listed.length)} are listed; \`cutover ledger --dossier ${escapeHtml(pack.dossier.id)} --fate rejected\` lists them all.</p>`
              : ''),
      'A rejected record is not in the target. Each keeps its reason, the file and line it came from, and its raw content, so it can be corrected and replayed.',
    ),
  );

  if (pack.notices.length > 0) {
    parts.push(
      section(
        'notices',
        'What the reader noticed in the inputs',
        table(
          ['Source', 'Line', 'Notice'],
          pack.notices.map(
            (notice) =>
              `<tr>${cell(notice.source, 'raw')}${cell(notice.line === null ? '' : String(notice.line), 'num')}${cell(notice.message)}</tr>`,
          ),
        ),
        'Deviations from the format that were read without loss (encoding, padding, decimal marks...): nothing was fixed silently.',
      ),
    );
  }

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${styles}</style></head>
<body>${parts.join('\n')}</body></html>
`;
};

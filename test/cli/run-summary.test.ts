import { describe, expect, it } from 'vitest';
import { renderRunSummary } from '../../src/cli/render-run.js';
import type { RunSummary } from '../../src/pipeline/run/run-migration.js';
import { readingOutput } from '../support/reading-output.js';

const counts = { recordsRead: 10, loaded: 10, skipped: 0, rejected: 0, repeats: 0 };

/** A succeeded run of one dossier and one entity, with what a test changes. */
const summaryOf = (change: Partial<RunSummary>): RunSummary => ({
  runId: 'R1',
  resumed: false,
  dryRun: false,
  planHash: 'h',
  status: 'succeeded',
  dossiers: { total: 1, done: 1, thresholdCrossed: [], unreadable: [] },
  thresholds: [],
  records: { read: 10, loaded: 10, merged: 0, skipped: 0, rejected: 0 },
  entities: { contact: counts },
  removedStaleRows: 0,
  elapsedMs: 100,
  recordsPerSecond: 100,
  notices: [],
  rejectedSamples: [],
  perDossier: [{ id: 'crm', status: 'done', entities: { contact: counts } }],
  ...change,
});

const render = (summary: RunSummary, command?: 'run' | 'replay'): string[] => {
  const output = readingOutput();
  renderRunSummary(output, summary, command);
  return output.lines;
};

describe('the run summary a person reads', () => {
  it('is headed by the command that ran: run or replay, resumed or not', () => {
    expect(render(summaryOf({}))[0]).toBe('Run R1: succeeded');
    expect(render(summaryOf({ resumed: true }))[0]).toBe('Resumed run R1: succeeded');
    expect(render(summaryOf({}), 'replay')[0]).toBe('Replay R1: succeeded');
    expect(render(summaryOf({ resumed: true }), 'replay')[0]).toBe('Resumed replay R1: succeeded');
  });

  it('says how many target rows a re-run removed because it no longer loads them', () => {
    expect(render(summaryOf({ removedStaleRows: 2 }))).toContain(
      '  removed   2 target rows loaded before and not by this run (records gone from the source, or now rejected, skipped or merged)',
    );
    expect(render(summaryOf({ removedStaleRows: 0 })).join('\n')).not.toContain('removed');
  });
});

describe('the run summary of a re-run', () => {
  const entityLine = (summary: RunSummary) => render(summary).find((line) => line.startsWith('    contact'));

  it('says per entity how many rows loaded were new, updated (content changed) or unchanged', () => {
    const rerun = { ...counts, new: 1, updated: 1, unchanged: 8 };
    expect(entityLine(summaryOf({ entities: { contact: rerun } }))).toMatch(
      /^ {4}contact +10 read +10 loaded +0 skipped +0 rejected \(1 new, 1 updated, 8 unchanged\)$/,
    );
  });

  it('says of a first load that its rows are all new, and nothing of the kind in a dry run', () => {
    const first = { ...counts, new: 10, updated: 0, unchanged: 0 };
    expect(entityLine(summaryOf({ entities: { contact: first } }))).toMatch(/rejected \(all new\)$/);
    expect(entityLine(summaryOf({ dryRun: true, entities: { contact: counts } }))).toMatch(/rejected$/);
  });
});

describe('the run summary of a dossier stopped by its rejects', () => {
  const stopped = (dryRun: boolean) =>
    summaryOf({
      dryRun,
      status: 'threshold_crossed',
      dossiers: { total: 1, done: 0, thresholdCrossed: ['acme'], unreadable: [] },
      thresholds: [
        { dossier: 'acme', entity: 'entry_line', rejected: 2, records: 28, maxRejectedRatio: 0.01 },
      ],
      perDossier: [
        {
          id: 'acme',
          status: 'threshold_crossed',
          entities: { entry_line: { ...counts, recordsRead: 28, loaded: 26, rejected: 2 } },
        },
      ],
    });

  it('names the entity, its rejects against what it read, the threshold, and what to do next', () => {
    expect(render(stopped(false))).toContain(
      "  stopped   acme entry_line: 2 of 28 records rejected, more than maxRejectedRatio 0.01 allows; fix the records (`cutover ledger --dossier acme --fate rejected`) and run again, or raise the plan's thresholds",
    );
  });

  it('points a dry run, which writes no ledger, to the rejects it lists', () => {
    expect(render(stopped(true))).toContain(
      "  stopped   acme entry_line: 2 of 28 records rejected, more than maxRejectedRatio 0.01 allows; fix the records listed below and run again, or raise the plan's thresholds",
    );
  });
});

describe("the run summary's notices", () => {
  const notice = (code: string, dossier: string, message: string) => ({
    code,
    message,
    source: `fec/${dossier}/x.txt`,
    dossier,
    entity: 'journal',
  });

  it('shows one line per kind with its count, a dossier that read nothing first, whatever came before it', () => {
    const lines = render(
      summaryOf({
        notices: [
          ...[779, 780, 781, 807, 808, 809].map((line) =>
            notice(
              'ENCODING_FALLBACK',
              'D1',
              `fec/D1/x.txt line ${line} is not valid UTF-8: read as Windows-1252`,
            ),
          ),
          notice('FEC_PADDED_VALUES', 'D1', 'fec/D1/x.txt: 934 lines have values padded with spaces'),
          notice('NO_MATCHING_FILE', 'D2', 'dossier D2: no file in fec/D2 matches fec/{dossier}/*FEC*.txt'),
          notice('DOSSIER_WITHOUT_SOURCES', 'D2', 'dossier D2 has no source file for any entity of the plan'),
        ],
      }),
    );
    expect(lines.slice(lines.indexOf('  notices: 9'))).toEqual([
      '  notices: 9',
      '    NO_MATCHING_FILE fec/D2/x.txt: dossier D2: no file in fec/D2 matches fec/{dossier}/*FEC*.txt',
      '    DOSSIER_WITHOUT_SOURCES fec/D2/x.txt: dossier D2 has no source file for any entity of the plan',
      '    ENCODING_FALLBACK ×6, the first: fec/D1/x.txt line 779 is not valid UTF-8: read as Windows-1252',
      '    FEC_PADDED_VALUES fec/D1/x.txt: 934 lines have values padded with spaces',
      '    … `--json` lists them all',
    ]);
  });
});

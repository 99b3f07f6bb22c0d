import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderDedupeProgress } from '../../src/cli/render-run.js';
import { dedupeEntity, type DedupeEntityProgress } from '../../src/pipeline/dedupe/dedupe-entity.js';
import { loadPlanFile } from '../../src/pipeline/plan/load-plan-file.js';
import type { StateStore } from '../../src/store/state/state-store.js';
import { dedupeContactsCsv, dedupePlan } from '../e2e/support/dedupe-fixture.js';
import { writeFiles } from '../e2e/support/helpers.js';
import { openStateStore, tempDir } from '../support/stores.js';
import { recordingOutput } from '../support/recording-output.js';

/**
 * `cutover dedupe --entity` reads every record of the entity and runs the matching engine on them: on 300,000
 * contacts that was a minute with nothing on the terminal. Long work shows progress (README: dossiers, records,
 * rate, ETA): the records as they are read, then the engine's steps.
 */
describe('dedupe progress on a terminal', () => {
  let dir: string;
  let state: StateStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    dir = tempDir('cutover-dedupe-progress-');
    writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': dedupeContactsCsv() });
    ({ store: state, cleanup } = await openStateStore('sqlite'));
  });
  afterEach(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the records read per dossier, then each step of the matching engine in order', async () => {
    const loaded = await loadPlanFile(path.join(dir, 'cutover.yaml'));
    const events: DedupeEntityProgress[] = [];
    const summary = await dedupeEntity({
      loaded,
      state,
      entity: 'contact',
      onProgress: (progress) => events.push(progress),
    });
    const reads = events.filter((event) => event.phase === 'read');
    expect(reads.map((event) => event.dossier)).toContain('north');
    expect(reads.map((event) => event.dossier)).toContain('south');
    expect(reads.every((event) => event.dossiers === 2)).toBe(true);
    expect(reads.at(-1)).toMatchObject({ dossier: 'south', dossiersDone: 1, records: summary.records });
    const steps = events.flatMap((event) => (event.phase === 'match' ? [event.step] : []));
    expect(steps).toEqual(['prepare', 'block', 'compare', 'train', 'score', 'cluster', 'review']);
    // Reading comes first, matching after it.
    expect(events.findIndex((event) => event.phase === 'match')).toBe(reads.length);
  });

  it('shows dossiers, records, rate and ETA while reading, then the step of how many', () => {
    const output = recordingOutput();
    const { onProgress, stop } = renderDedupeProgress(output, 'dedupe contact');
    try {
      onProgress({ phase: 'read', dossier: 'south', dossiersDone: 1, dossiers: 4, records: 1200 });
      onProgress({ phase: 'match', step: 'compare', stepIndex: 2, steps: 7, records: 1200 });
    } finally {
      stop();
    }
    expect(output.lines[0]).toMatch(
      /^dedupe contact: reading dossiers 1\/4 · 1,200 records · [\d,]+ rec\/s · ETA .+ · south$/,
    );
    expect(output.lines[1]).toMatch(
      /^dedupe contact: matching 1,200 records · step 3\/7 compare · [\d.]+ s$/,
    );
  });

  it('shows, for cutover link, which reads systems rather than dossiers, the system being read and no ETA', () => {
    const output = recordingOutput();
    const { onProgress, stop } = renderDedupeProgress(output, 'link');
    try {
      onProgress({ phase: 'read', dossier: 'crm', dossiersDone: 0, dossiers: 0, records: 510 });
    } finally {
      stop();
    }
    expect(output.lines[0]).toMatch(/^link: reading 510 records · [\d,]+ rec\/s · crm$/);
  });
});

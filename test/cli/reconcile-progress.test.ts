import { describe, expect, it } from 'vitest';
import { renderReconcileProgress } from '../../src/cli/render-run.js';
import type { DossierReconciliation } from '../../src/pipeline/reconcile/reconcile.js';
import { recordingOutput } from '../support/recording-output.js';

const dossier = (id: string, sources: number[]): DossierReconciliation =>
  ({
    id,
    ok: true,
    entities: sources.map((source) => ({ entity: 'entry_line', source })),
  }) as unknown as DossierReconciliation;

describe('reconcile progress on a terminal', () => {
  it('shows dossiers done of all, the records they held, a rate and the time left', () => {
    const output = recordingOutput();
    const onDossier = renderReconcileProgress(output);
    onDossier(1, 4, dossier('D1', [1000, 200]));
    onDossier(2, 4, dossier('D2', [300]));
    expect(output.lines).toHaveLength(2);
    expect(output.lines[0]).toMatch(/^reconciling dossiers 1\/4 · 1,200 records · [\d,]+ rec\/s · ETA /);
    expect(output.lines[1]).toMatch(/^reconciling dossiers 2\/4 · 1,500 records · [\d,]+ rec\/s · ETA /);
  });

  it('counts the dossiers of a large portfolio with thousands separated, as it counts records', () => {
    const output = recordingOutput();
    renderReconcileProgress(output)(1_200, 2_500, dossier('D1200', [10]));
    expect(output.lines[0]).toMatch(/^reconciling dossiers 1,200\/2,500 · 10 records/);
  });
});

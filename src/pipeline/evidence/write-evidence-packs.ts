import { fileSafeName } from '../../core/file-safe-name.js';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StateStore } from '../../store/state/state-store.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import type { Reconciliation } from '../reconcile/reconcile.js';
import { planInputs } from '../run/dossier-inputs.js';
import { buildEvidencePack } from './evidence-pack.js';
import { renderEvidenceHtml } from './render-evidence-html.js';

export interface WrittenPack {
  readonly id: string;
  readonly ok: boolean;
  readonly html: string;
  readonly json: string;
}

/** A dossier id as a folder name: letters, digits, dot, dash and underscore kept, anything else `_`. */

/**
 * Writes, for each dossier of a reconciliation, `<out>/<dossier>/evidence.json` and `evidence.html`, one dossier at
 * a time (a pack is built, written and dropped before the next).
 */
export const writeEvidencePacks = async (options: {
  loaded: LoadedPlan;
  state: StateStore;
  reconciliation: Reconciliation;
  out: string;
  onPack?: (done: number, total: number) => void;
}): Promise<WrittenPack[]> => {
  const { loaded, state, reconciliation, out } = options;
  const written: WrittenPack[] = [];
  const inputs = await planInputs(loaded.plan, loaded.baseDir);
  for (const dossier of reconciliation.dossiers) {
    const pack = await buildEvidencePack({ loaded, state, reconciliation: dossier, inputs });
    const folder = path.join(out, fileSafeName(dossier.id));
    await mkdir(folder, { recursive: true });
    const json = path.join(folder, 'evidence.json');
    const html = path.join(folder, 'evidence.html');
    await writeFile(json, `${JSON.stringify(pack, null, 2)}\n`);
    await writeFile(html, renderEvidenceHtml(pack));
    written.push({ id: dossier.id, ok: pack.verdict.ok, html, json });
    options.onPack?.(written.length, reconciliation.dossiers.length);
  }
  return written;
};

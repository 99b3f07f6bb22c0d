import { fileSafeName } from '../../core/file-safe-name.js';
import { removeLeftoversOfGoneProcesses } from '../../core/process-alive.js';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * A pack being written (`.D0001.partial-PID`) or an older one being replaced (`.D0001.old-PID`): hidden siblings of
 * the packs, never a dossier's folder (fileSafeName never starts one with a dot).
 */
const scratchName = /^\.(.+)\.(partial|old)-(?<pid>\d+)$/;

/**
 * Writes one pack's files into a hidden sibling folder, then renames it into place (moving an older pack of the
 * dossier aside first, as a folder cannot be renamed over one that holds files): a reader of `out` sees the older
 * pack or the new one, whole, never a half-written one, whenever the command stops.
 */
const writePackAtomically = async (
  out: string,
  name: string,
  files: readonly { readonly file: string; readonly text: string }[],
): Promise<void> => {
  const folder = path.join(out, name);
  const partial = path.join(out, `.${name}.partial-${process.pid}`);
  const old = path.join(out, `.${name}.old-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  for (const { file, text } of files) await writeFile(path.join(partial, file), text);
  await rm(old, { recursive: true, force: true });
  try {
    await rename(folder, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rename(partial, folder);
  await rm(old, { recursive: true, force: true });
};

/**
 * Writes, for each dossier of a reconciliation, `<out>/<dossier>/evidence.json` and `evidence.html`, one dossier at
 * a time (a pack is built, written and dropped before the next). Each pack appears whole (see writePackAtomically).
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
  await mkdir(out, { recursive: true });
  // What an evidence command killed midway left.
  removeLeftoversOfGoneProcesses(out, scratchName);
  for (const dossier of reconciliation.dossiers) {
    const pack = await buildEvidencePack({ loaded, state, reconciliation: dossier, inputs });
    const name = fileSafeName(dossier.id);
    await writePackAtomically(out, name, [
      { file: 'evidence.json', text: `${JSON.stringify(pack, null, 2)}\n` },
      { file: 'evidence.html', text: renderEvidenceHtml(pack) },
    ]);
    const json = path.join(out, name, 'evidence.json');
    const html = path.join(out, name, 'evidence.html');
    written.push({ id: dossier.id, ok: pack.verdict.ok, html, json });
    options.onPack?.(written.length, reconciliation.dossiers.length);
  }
  return written;
};

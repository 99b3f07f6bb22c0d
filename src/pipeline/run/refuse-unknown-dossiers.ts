import { CutoverError, ErrorCode } from '../../core/errors.js';

/**
 * `--dossier` ids that name no dossier are a usage error: ignoring them would let a typo pass for a dossier that was
 * migrated or reconciled (a command over 0 dossiers succeeds).
 */
export const refuseUnknownDossiers = (asked: readonly string[], known: readonly string[]): void => {
  const present = new Set(known);
  const unknown = [...new Set(asked)].filter((id) => !present.has(id));
  if (unknown.length === 0) return;
  const sample = known.slice(0, 5).join(', ');
  throw new CutoverError(
    ErrorCode.USAGE,
    `unknown dossier${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: not among the ${known.length} dossier${known.length === 1 ? '' : 's'} of this plan${known.length === 0 ? '' : ` (${sample}${known.length > 5 ? ', ...' : ''})`}`,
    { context: { unknown: unknown.join(', ') } },
  );
};

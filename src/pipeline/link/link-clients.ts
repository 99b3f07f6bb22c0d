import { CutoverError, ErrorCode } from '../../core/errors.js';
import { defaultLinkPlan, type LinkPlan } from '../../core/plan/link-plan-schema.js';
import { companyNameKey, companySiren } from '../../matching/company-identity.js';
import type { DedupeConfig } from '../../matching/dedupe-config.js';
import { runDedupe, type DedupeResult, type DedupeStep } from '../../matching/dedupe-engine.js';
import { Workbench } from '../../matching/workbench.js';
import { replaceLinkMembers, type LinkMember } from '../../store/state/link-members.js';
import type { ReviewPairInput, StateStore } from '../../store/state/state-store.js';
import type { TargetStore } from '../../store/target/target-store.js';
import type { DedupeEntityProgress } from '../dedupe/dedupe-entity.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { readLinkRecords, type LinkRecord } from './read-link-records.js';

/** Review pairs of `cutover link` live in the dedupe review queue under this entity and dossier. */
export const LINK_REVIEW_ENTITY = 'link';
export const LINK_REVIEW_DOSSIER = '*';

export interface LinkClientsOptions {
  readonly loaded: LoadedPlan;
  readonly state: StateStore;
  readonly target: TargetStore;
  /** Review pairs stored with their fields and explanation (the rest are counted). */
  readonly reviewLimit?: number;
  /** Live progress, as `cutover dedupe`'s: the records read (from which system), then the matching steps. */
  readonly onProgress?: (progress: DedupeEntityProgress) => void;
}

export interface LinkSummary {
  /** Records read per system. */
  readonly records: Readonly<Record<string, number>>;
  /** Records with neither a name nor a SIREN: nothing to link them by; they are their own client. */
  readonly unusable: number;
  readonly siren: { readonly invalid: number; readonly fromSiret: number; readonly fromVat: number };
  readonly blocking: DedupeResult['blocking'];
  /** The prior of each pair of systems, learnt without labels: how often their records are one company. */
  readonly priors: NonNullable<DedupeResult['sidePriors']>;
  readonly thresholds: LinkPlan['thresholds'];
  /** Clients seen in more than one record, and how many records they hold. */
  readonly clients: number;
  readonly linkedRecords: number;
  /** Pairs of records of two systems in one client, per pair of systems. */
  readonly crossLinks: Readonly<Record<string, number>>;
  /** Links above the automatic threshold that a check refused (different SIRENs, or scored different). */
  readonly refused: number;
  readonly review: { readonly stored: number; readonly total: number; readonly decided: number };
  readonly decisionsApplied: { readonly same: number; readonly different: number };
  readonly seconds: number;
}

/** A record's reference in the review queue and in messages: `company:crm:CO-0001`. */
export const memberRef = (record: Pick<LinkRecord, 'entity' | 'dossier' | 'key'>): string =>
  `${record.entity}:${record.dossier}:${record.key}`;

/**
 * `cutover link`: one client is one company everywhere. Reads the registry, the CRM's companies and the FEC's
 * third parties, links them across systems with the matching engine (blocking on SIREN, name, French phonetic
 * key and postcode with a name prefix; Fellegi-Sunter scores trained without labels), and stores, for every
 * record, the client it belongs to. Equal SIRENs link whatever the names say; different SIRENs never link
 * automatically (such a pair goes to review at most); the grey zone goes to the review queue, where a person's
 * decision is applied by every later `link`.
 */
export const linkClients = async (options: LinkClientsOptions): Promise<LinkSummary> => {
  const started = performance.now();
  const { loaded, state, target } = options;
  const link = loaded.plan.link ?? defaultLinkPlan();
  const sides = [
    ...(link.registry !== false && loaded.plan.dossiers?.registry !== undefined ? ['registry'] : []),
    ...link.entities.filter((entity) => loaded.plan.entities[entity] !== undefined),
  ];
  if (sides.length < 2) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `cutover link compares at least two systems; this plan gives ${sides.length === 0 ? 'none' : `${sides.join(', ')} only`} (a dossier registry, a company entity, a third_party entity)`,
    );
  }

  const records: LinkRecord[] = [];
  const clean: { siren: string | null; name: string | null }[] = [];
  const perSystem: Record<string, number> = {};
  const siren = { invalid: 0, fromSiret: 0, fromVat: 0 };
  let unusable = 0;
  const workbench = await Workbench.open();
  try {
    await workbench.run(
      'CREATE TABLE staged (_row VARCHAR, _ref VARCHAR, _side VARCHAR, name VARCHAR, siren VARCHAR, postcode VARCHAR)',
    );
    for await (const batch of readLinkRecords(loaded, target, link)) {
      const rows: (string | null)[][] = [];
      for (const record of batch) {
        perSystem[record.system] = (perSystem[record.system] ?? 0) + 1;
        const identity = companySiren(record.siren, record.vat);
        const name = companyNameKey(record.name);
        if (identity.invalid) siren.invalid++;
        if (identity.from === 'siret') siren.fromSiret++;
        if (identity.from === 'vat') siren.fromVat++;
        if (name === null && identity.siren === null) {
          // Kept as a client of its own (every record gets one), but never compared.
          unusable++;
        }
        const row = records.length;
        records.push(record);
        clean.push({ siren: identity.siren, name });
        if (name === null && identity.siren === null) continue;
        // Dossier boundaries: third parties of one dossier are one side, so two dossiers' bookkeepers naming a
        // customer alike never link those two records, unless the plan asks to compare across dossiers.
        const side =
          record.entity === 'third_party' && link.acrossDossiers
            ? `third_party@${record.dossier}`
            : record.entity;
        rows.push([String(row), memberRef(record), side, name, identity.siren, record.postcode]);
      }
      await workbench.appendStrings('staged', rows);
      const last = batch.at(-1);
      if (last !== undefined)
        options.onProgress?.({
          phase: 'read',
          dossier: last.system,
          dossiersDone: 0,
          dossiers: 0,
          records: records.length,
        });
    }
    const migrated = records.filter((record) => record.entity !== 'dossier').length;
    if (migrated === 0) {
      throw new CutoverError(
        ErrorCode.USAGE,
        `the target holds no ${link.entities.join(' or ')} rows: \`cutover link\` reads what was migrated, run \`cutover run\` first`,
      );
    }
    await workbench.run('CREATE TABLE src AS SELECT _row::INTEGER AS _row, * EXCLUDE (_row) FROM staged');
    await workbench.run('DROP TABLE staged');
    // The engine numbers records 0..n-1 in `_row` order: keep the compared ones' numbers dense.
    const [compared = []] = (await workbench.columns('SELECT _row FROM src ORDER BY _row')) as number[][];
    await workbench.run(
      'CREATE OR REPLACE TABLE src AS SELECT (row_number() OVER (ORDER BY _row) - 1)::INTEGER AS _row, * EXCLUDE (_row) FROM src',
    );
    const recordOf = (engineRow: number): number => compared[engineRow] ?? -1;
    const engineRowOf = new Map(compared.map((row, index) => [row, index]));

    const byRef = new Map(records.map((record, row) => [memberRef(record), row]));
    const decided = await state.reviewPairs({ entity: LINK_REVIEW_ENTITY, pending: false });
    const decisions = { same: [] as [number, number][], different: [] as [number, number][] };
    for (const pair of decided) {
      const l = engineRowOf.get(byRef.get(pair.leftKey) ?? -1);
      const r = engineRowOf.get(byRef.get(pair.rightKey) ?? -1);
      if (l === undefined || r === undefined || pair.decision === null) continue;
      decisions[pair.decision].push([l, r]);
    }

    const config: DedupeConfig = {
      id: '_ref',
      side: '_side',
      fields: [
        { column: 'name', kind: 'name' },
        { column: 'siren', kind: 'siren' },
        { column: 'postcode', kind: 'postcode' },
      ],
      blocking: [['siren'], ['name'], ['name.phonetic'], ['postcode', 'name.prefix3']],
      thresholds: link.thresholds,
      blockCap: link.blockCap,
      phoneRegion: 'FR',
    };
    const result =
      compared.length < 2
        ? undefined
        : await runDedupe(workbench, config, {
            reviewLimit: options.reviewLimit ?? 10_000,
            decisions,
            ...(options.onProgress === undefined
              ? {}
              : {
                  onStep: (step: DedupeStep, stepIndex: number, steps: number) =>
                    options.onProgress?.({
                      phase: 'match',
                      step,
                      stepIndex,
                      steps,
                      records: compared.length,
                    }),
                }),
          });

    // Every record points to one client: the registry dossier its group holds, else the SIREN, else itself.
    const clientOf = new Array<string>(records.length);
    const crossLinks: Record<string, number> = {};
    let linkedRecords = 0;
    for (const cluster of result?.clusters ?? []) {
      const rows = cluster.members.map((member) => recordOf(member.row)).sort((a, b) => a - b);
      const members = rows.map((row) => records[row] as LinkRecord);
      const anchor = members.find((member) => member.entity === 'dossier');
      const sirens = rows.map((row) => clean[row]?.siren).filter((value): value is string => !!value);
      const id =
        anchor !== undefined
          ? `dossier:${anchor.dossier}`
          : sirens.length > 0
            ? `siren:${[...sirens].sort()[0] ?? ''}`
            : `record:${memberRef(members[0] as LinkRecord)}`;
      for (const row of rows) clientOf[row] = id;
      linkedRecords += rows.length;
      const count = new Map<string, number>();
      for (const member of members) count.set(member.system, (count.get(member.system) ?? 0) + 1);
      const systems = [...count.keys()].sort();
      systems.forEach((a, i) => {
        for (const b of systems.slice(i + 1)) {
          crossLinks[`${a}-${b}`] =
            (crossLinks[`${a}-${b}`] ?? 0) + (count.get(a) ?? 0) * (count.get(b) ?? 0);
        }
      });
    }
    const members: LinkMember[] = records.map((record, row) => ({
      system: record.system,
      entity: record.entity,
      dossierId: record.dossier,
      sourceKey: record.key,
      clientId:
        clientOf[row] ??
        (record.entity === 'dossier' ? `dossier:${record.dossier}` : `record:${memberRef(record)}`),
      name: record.name,
      siren: clean[row]?.siren ?? null,
    }));
    await replaceLinkMembers(state, members);

    const review: ReviewPairInput[] = (result?.review.pairs ?? []).map((pair) => {
      const [l, r] = [recordOf(pair.l.row), recordOf(pair.r.row)];
      const [left, right] = [records[l] as LinkRecord, records[r] as LinkRecord];
      return {
        dossierId: LINK_REVIEW_DOSSIER,
        entity: LINK_REVIEW_ENTITY,
        leftKey: memberRef(left),
        rightKey: memberRef(right),
        fields: [
          ['system', `${left.system} ${left.dossier}`, `${right.system} ${right.dossier}`],
          ['name', left.name, right.name],
          ['siren', left.siren ?? left.vat, right.siren ?? right.vat],
          ['siren (checked)', clean[l]?.siren ?? null, clean[r]?.siren ?? null],
          ['postcode', left.postcode, right.postcode],
        ],
        probability: pair.explanation.probability,
        explanation: pair.explanation,
        reason: pair.reason,
      };
    });
    await state.replaceReviewPairs(LINK_REVIEW_DOSSIER, LINK_REVIEW_ENTITY, review);

    return {
      records: perSystem,
      unusable,
      siren,
      blocking: result?.blocking ?? { rules: [], candidatePairs: 0 },
      priors: result?.sidePriors ?? [],
      thresholds: link.thresholds,
      clients: result?.clusters.length ?? 0,
      linkedRecords,
      crossLinks,
      refused: result?.links.refused ?? 0,
      review: { stored: review.length, total: result?.review.total ?? 0, decided: decided.length },
      decisionsApplied: { same: decisions.same.length, different: decisions.different.length },
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    workbench.close();
  }
};

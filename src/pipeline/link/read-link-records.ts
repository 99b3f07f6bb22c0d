import { fieldText } from '../run/dossier-inputs.js';
import type { LinkPlan } from '../../core/plan/link-plan-schema.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { TargetStore } from '../../store/target/target-store.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { entityInputs } from '../run/dossier-inputs.js';
import { NO_DOSSIER } from '../run/dossier-records.js';
import { readRegistry } from '../run/read-registry.js';
import { scanDossiers } from '../run/plan-dossiers.js';

/** A record that stands for a company, as one system holds it. */
export interface LinkRecord {
  readonly system: 'registry' | 'crm' | 'accounting';
  readonly entity: 'dossier' | 'company' | 'third_party';
  readonly dossier: string;
  readonly key: string;
  readonly name: string | null;
  readonly siren: string | null;
  readonly vat: string | null;
  readonly postcode: string | null;
}

/** A value as trimmed text, null when empty (fieldText). */
const text = (value: CanonicalValue | undefined): string | null => fieldText(value) ?? null;

/** A registry attribute as read from its source: text, or a number when the source typed it. */
const attributeText = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? text(value) : null;

/**
 * The records `cutover link` compares: the plan's dossier registry (read from its source, as `run` reads it)
 * and the migrated companies and third parties (read back from the target, so what is linked is what was
 * loaded, merges applied).
 */
export async function* readLinkRecords(
  loaded: LoadedPlan,
  target: TargetStore,
  link: LinkPlan,
): AsyncGenerator<LinkRecord[]> {
  const { plan, baseDir } = loaded;
  if (link.registry !== false) {
    const { siren, postcode } = link.registry;
    yield (await readRegistry(plan, baseDir)).map((dossier) => ({
      system: 'registry',
      entity: 'dossier',
      dossier: dossier.id,
      key: dossier.id,
      name: dossier.name,
      siren: attributeText(dossier.attributes[siren]),
      vat: null,
      postcode: attributeText(dossier.attributes[postcode]),
    }));
  }
  const kinds = new Set(link.thirdPartyKinds);
  for (const entity of link.entities) {
    const entityPlan = plan.entities[entity];
    if (entityPlan === undefined) continue;
    const inputs = await entityInputs(entity, entityPlan, baseDir);
    const dossiers = (inputs.dossiers ?? (await scanDossiers(inputs)))
      .filter((id) => id !== NO_DOSSIER)
      .sort();
    for (const dossier of dossiers) {
      for await (const rows of target.readRows(entity, dossier)) {
        const records: LinkRecord[] = [];
        for (const row of rows) {
          const values = row.values;
          if (entity === 'third_party' && !kinds.has(text(values.kind) ?? '')) continue;
          records.push({
            system: entity === 'company' ? 'crm' : 'accounting',
            entity,
            dossier,
            key: row.sourceKey,
            name: text(values.name),
            siren: text(values.siren),
            vat: entity === 'company' ? text(values.vat_number) : null,
            postcode: entity === 'company' ? text(values.postcode) : null,
          });
        }
        yield records;
      }
    }
  }
}

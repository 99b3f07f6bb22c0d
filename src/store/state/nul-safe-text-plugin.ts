import {
  OperationNodeTransformer,
  PrimitiveValueListNode,
  ValueNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * Marks a stored string that was written escaped. A string starting with it is escaped too, so that reading back
 * never mistakes a value for an escaped one.
 */
const MARKER = '\u0001';

const needsEscape = (text: string): boolean => text.startsWith(MARKER) || text.includes('\u0000');

/** The text stored for `text`: itself, or the marker and its JSON (where a NUL is written `\u0000`). */
export const escapeNul = (text: string): string => (needsEscape(text) ? MARKER + JSON.stringify(text) : text);

/** The string `escapeNul` was given. */
export const unescapeNul = (stored: string): string => {
  if (!stored.startsWith(MARKER)) return stored;
  try {
    const value: unknown = JSON.parse(stored.slice(1));
    return typeof value === 'string' ? value : stored;
  } catch {
    return stored;
  }
};

const escapeValue = (value: unknown): unknown => (typeof value === 'string' ? escapeNul(value) : value);

class EscapeParameters extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    if (typeof node.value !== 'string' || !needsEscape(node.value)) return node;
    return node.immediate === true
      ? ValueNode.createImmediate(escapeNul(node.value))
      : ValueNode.create(escapeNul(node.value));
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    if (!node.values.some((value) => typeof value === 'string' && needsEscape(value))) return node;
    return PrimitiveValueListNode.create(node.values.map(escapeValue));
  }
}

/**
 * PostgreSQL text cannot hold a NUL character (U+0000), yet the ledger keeps each rejected record exactly as read,
 * and a legacy export may hold one (fixed-width padding, a binary field exported as text). On a state store on
 * PostgreSQL this plugin writes such strings escaped (the marker, then the string as JSON) and reads them back as
 * they were; every other string is stored as it is. SQLite stores NUL as it is and needs no plugin.
 */
export class NulSafeTextPlugin implements KyselyPlugin {
  private readonly parameters = new EscapeParameters();

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return this.parameters.transformNode(node);
  }

  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of result.rows) {
      for (const column in row) {
        const value = row[column];
        if (typeof value === 'string' && value.startsWith(MARKER)) row[column] = unescapeNul(value);
      }
    }
    return Promise.resolve(result);
  }
}

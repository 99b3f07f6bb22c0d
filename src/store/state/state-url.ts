import { CutoverError, ErrorCode } from '../../core/errors.js';

/** A schema name as the target's (`schema:` in the plan): lower-case letters, digits and `_`, at most 63. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The PostgreSQL schema a state store URL asks for (`postgres://host/db?schema=crm_state`) and the URL without that
 * parameter, which is cutover's and means nothing to the server. A state store serves one plan, so plans sharing a
 * database each name their own schema this way. The name is checked: it is written into SQL.
 */
export const splitStateUrl = (location: string): { url: string; schema?: string } => {
  const query = location.indexOf('?');
  if (query < 0) return { url: location };
  const hash = location.indexOf('#', query);
  const end = hash < 0 ? location.length : hash;
  const kept: string[] = [];
  let schema: string | undefined;
  for (const part of location.slice(query + 1, end).split('&')) {
    if (!part.startsWith('schema=')) {
      if (part !== '') kept.push(part);
      continue;
    }
    const raw = part.slice('schema='.length);
    let name: string | undefined;
    try {
      name = decodeURIComponent(raw);
    } catch {
      name = undefined;
    }
    if (name === undefined || !SCHEMA_NAME.test(name)) {
      throw new CutoverError(
        ErrorCode.USAGE,
        `the state store's schema "${raw}" is not a schema name cutover uses: lower-case letters, digits and _, at most 63, not starting with a digit`,
      );
    }
    schema = name;
  }
  const url = `${location.slice(0, query)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${location.slice(end)}`;
  return schema === undefined ? { url } : { url, schema };
};

import { CutoverError, ErrorCode } from '../../core/errors.js';
import { namesVariable, splitUrl, type ResolvedConnection } from '../../core/connection-url.js';

export interface ServerAddress {
  /** `host:port/database`, for messages: no variable's value in it. */
  readonly where: string;
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The written URL's `host:port`, database path and query, as written; undefined when it is no `scheme://` URL. */
const writtenParts = (written: string): { host: string; path: string; query: string } | undefined => {
  const parts = splitUrl(written);
  if (parts === undefined) return undefined;
  const queryAt = parts.rest.search(/[?#]/);
  const path = queryAt < 0 ? parts.rest : parts.rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : parts.rest.slice(queryAt).replace(/#.*$/s, '');
  return { host: parts.host, path, query };
};

/**
 * Where a server URL points, checked before any connection is tried, so that a URL of the wrong kind (a file
 * path given to a `postgres` source, a `mysql://` URL given to it) is a plan mistake rather than a network one.
 * `where` is host, port and database as the driver gets them, except that a part the plan writes with a `${VAR}`
 * is shown as written (a URL that is one variable, whole): a variable's value is never in a message.
 */
export const serverAddress = (
  connection: ResolvedConnection,
  expected: { readonly label: string; readonly protocols: readonly string[]; readonly defaultPort: number },
): ServerAddress => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(connection.url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !expected.protocols.includes(parsed.protocol)) {
    throw new CutoverError(
      ErrorCode.PLAN_INVALID,
      `${connection.shown} is not a ${expected.label} URL: write it as ${expected.protocols[0] ?? ''}//user@host:port/database`,
    );
  }
  const written = writtenParts(connection.shown);
  if (written === undefined) return { where: connection.shown };
  const hostParameter = parsed.searchParams.get('host');
  const writtenHostParameter = /[?&]host=([^&#]*)/.exec(written.query)?.[1];
  const host =
    parsed.hostname === '' && hostParameter !== null && writtenHostParameter !== undefined
      ? namesVariable(writtenHostParameter)
        ? writtenHostParameter
        : decode(hostParameter)
      : namesVariable(written.host)
        ? undefined
        : decode(parsed.hostname || 'localhost');
  const hostAndPort =
    host === undefined ? written.host : `${host}:${parsed.port || String(expected.defaultPort)}`;
  const database = namesVariable(written.path) ? written.path.slice(1) : decode(parsed.pathname.slice(1));
  return { where: `${hostAndPort}/${database}` };
};

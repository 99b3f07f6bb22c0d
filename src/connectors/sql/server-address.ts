import { CutoverError, ErrorCode } from '../../core/errors.js';
import { redactUrl } from '../../core/connection-url.js';

export interface ServerAddress {
  /** `host:port/database`, for messages. */
  readonly where: string;
  /** The decoded password, if the URL has one: only to scrub it from driver messages. */
  readonly password: string | undefined;
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Where a server URL points, checked before any connection is tried, so that a URL of the wrong kind (a file
 * path given to a `postgres` source, a `mysql://` URL given to it) is a plan mistake rather than a network one.
 */
export const serverAddress = (
  url: string,
  expected: { readonly label: string; readonly protocols: readonly string[]; readonly defaultPort: number },
): ServerAddress => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !expected.protocols.includes(parsed.protocol)) {
    throw new CutoverError(
      ErrorCode.PLAN_INVALID,
      `${redactUrl(url)} is not a ${expected.label} URL: write it as ${expected.protocols[0] ?? ''}//user@host:port/database`,
    );
  }
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port || String(expected.defaultPort);
  return {
    where: `${decode(host)}:${port}/${decode(parsed.pathname.slice(1))}`,
    password: parsed.password === '' ? undefined : decode(parsed.password),
  };
};

import { CutoverError, ErrorCode } from './errors.js';

const variablePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A URL cut where secrets can stand, before any substitution, so that a variable's value never changes the cut. */
interface UrlParts {
  /** `postgres://` */
  readonly scheme: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** `host:port` */
  readonly host: string;
  /** Path, query and fragment, as written. */
  readonly rest: string;
}

const splitUrl = (url: string): UrlParts | undefined => {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(url);
  if (match === null) return undefined;
  const [, scheme = '', authority = '', rest = ''] = match;
  const at = authority.lastIndexOf('@');
  if (at < 0) return { scheme, user: undefined, password: undefined, host: authority, rest };
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  return {
    scheme,
    user: colon < 0 ? userinfo : userinfo.slice(0, colon),
    password: colon < 0 ? undefined : userinfo.slice(colon + 1),
    host: authority.slice(at + 1),
    rest,
  };
};

const joinUrl = (parts: UrlParts): string => {
  const userinfo =
    parts.user === undefined
      ? ''
      : `${parts.user}${parts.password === undefined ? '' : `:${parts.password}`}@`;
  return `${parts.scheme}${userinfo}${parts.host}${parts.rest}`;
};

/** Drivers accept the password as a query parameter too (`?password=`), so that place is guarded as well. */
const passwordParameter = /([?&]password=)([^&#]*)/gi;

/** True when the text is a secret written into the plan rather than the name of an environment variable. */
const isLiteralSecret = (text: string): boolean => text !== '' && text.replace(variablePattern, '') !== '';

const substitute = (
  text: string,
  url: string,
  env: NodeJS.ProcessEnv,
  encode: (value: string) => string,
): string =>
  text.replace(variablePattern, (_placeholder, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new CutoverError(
        ErrorCode.PLAN_INVALID,
        `the connection URL ${redactUrl(url)} names the environment variable ${name}, which is not set`,
        { context: { variable: name } },
      );
    }
    return encode(value);
  });

/**
 * Turns the plan's connection URL into the one given to the driver: `${VAR}` becomes the environment variable's
 * value (URL-encoded in the user and password, where `@`, `:` and `/` would otherwise change the URL's meaning).
 * A password written into the plan is refused: plans are versioned and shared, secrets must not be.
 * A SQLite file path (no `scheme://`) only gets its variables substituted.
 */
export const resolveConnectionUrl = (url: string, env: NodeJS.ProcessEnv): string => {
  const parts = splitUrl(url);
  if (parts === undefined) return substitute(url, url, env, (value) => value);
  const literalInQuery = [...parts.rest.matchAll(passwordParameter)].some(([, , value = '']) =>
    isLiteralSecret(value),
  );
  if ((parts.password !== undefined && isLiteralSecret(parts.password)) || literalInQuery) {
    throw new CutoverError(
      ErrorCode.PLAN_INVALID,
      `the connection URL ${redactUrl(url)} carries a password: secrets come from environment variables, ` +
        'never from the plan; write it as ${VARIABLE} and set that variable',
    );
  }
  const encodeValue = (text: string | undefined) =>
    text === undefined ? undefined : substitute(text, url, env, encodeURIComponent);
  return joinUrl({
    scheme: parts.scheme,
    user: encodeValue(parts.user),
    password: encodeValue(parts.password),
    host: substitute(parts.host, url, env, (value) => value),
    rest: substitute(parts.rest, url, env, (value) => value),
  });
};

/** The URL with its password (in the userinfo or a `password=` parameter) replaced by `***`, for messages. */
export const redactUrl = (url: string): string => {
  const parts = splitUrl(url);
  if (parts === undefined) return url;
  return joinUrl({
    ...parts,
    password: parts.password === undefined || parts.password === '' ? parts.password : '***',
    rest: parts.rest.replace(passwordParameter, (_match, name: string, value: string) =>
      value === '' ? name : `${name}***`,
    ),
  });
};

/** Whether a store location is a PostgreSQL URL (otherwise it is a SQLite file path). */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//.test(location);

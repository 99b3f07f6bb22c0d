import { CutoverError, ErrorCode } from './errors.js';

const variablePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A URL cut where secrets can stand, before any substitution, so that a variable's value never changes the cut. */
export interface UrlParts {
  /** `postgres://` */
  readonly scheme: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** `host:port` */
  readonly host: string;
  /** Path, query and fragment, as written. */
  readonly rest: string;
}

export const splitUrl = (url: string): UrlParts | undefined => {
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

/** Whether a part of a URL as written names a `${VAR}`. */
export const namesVariable = (text: string): boolean => new RegExp(variablePattern.source).test(text);

/** True when the text is a secret written into the plan rather than the name of an environment variable. */
const isLiteralSecret = (text: string): boolean => text !== '' && text.replace(variablePattern, '') !== '';

/** A `${VAR}` replaced in a URL: its name, and the value as it stands in the URL. */
interface Substitution {
  readonly name: string;
  readonly value: string;
  /** In the userinfo: a password is scrubbed from driver messages wherever it appears, not only as a word. */
  readonly password: boolean;
}

const substitute = (
  text: string,
  url: string,
  env: NodeJS.ProcessEnv,
  encode: (value: string) => string,
  found: Substitution[] = [],
  isPassword: (offset: number) => boolean = () => false,
): string =>
  text.replace(variablePattern, (_placeholder, name: string, offset: number) => {
    const value = env[name];
    if (value === undefined) {
      throw new CutoverError(
        ErrorCode.PLAN_INVALID,
        `the ${splitUrl(url) === undefined ? 'path' : 'connection URL'} ${redactUrl(url)} names the environment variable ${name}, which is not set`,
        { context: { variable: name } },
      );
    }
    found.push({ name, value, password: isPassword(offset) });
    return encode(value);
  });

/** A connection URL resolved for the driver, and what messages may say of it. */
export interface ResolvedConnection {
  /** The URL given to the driver: `${VAR}` replaced by the variable's value. Never printed. */
  readonly url: string;
  /**
   * The URL for messages: as written in the plan (or on the command line), `${VAR}` placeholders kept, a password
   * written literally masked. No variable's value is in it: a variable may hold a user, a host, a database name
   * or a token as sensitive as the password.
   */
  readonly shown: string;
  /**
   * A driver's message about this connection with the values substituted into this URL put back as their
   * `${VAR}` (a password wherever it appears; the others as whole words, so that a variable holding `5432` or
   * `test` changes only that word). Only the values of this URL: other text is left alone.
   */
  readonly scrub: (message: string) => string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const scrubber = (substitutions: readonly Substitution[]): ((message: string) => string) => {
  const patterns = substitutions
    .flatMap(({ name, value, password }) =>
      [...new Set([value, encodeURIComponent(value)])].map((text) => ({ name, text, password })),
    )
    .filter(({ text }) => text !== '')
    // The longest first: a value that contains another is put back whole.
    .sort((a, b) => b.text.length - a.text.length)
    .map(({ name, text, password }) => ({
      placeholder: `\${${name}}`,
      pattern: new RegExp(
        password ? escapeRegExp(text) : `(?<![A-Za-z0-9_])${escapeRegExp(text)}(?![A-Za-z0-9_])`,
        'g',
      ),
    }));
  return (message) =>
    patterns.reduce((said, { placeholder, pattern }) => said.replace(pattern, () => placeholder), message);
};

/**
 * Turns the plan's connection URL into the one given to the driver: `${VAR}` becomes the environment variable's
 * value (URL-encoded in the user and password, where `@`, `:` and `/` would otherwise change the URL's meaning).
 * A password written into the plan is refused: plans are versioned and shared, secrets must not be.
 * A SQLite file path (no `scheme://`) only gets its variables substituted.
 */
export const resolveConnection = (url: string, env: NodeJS.ProcessEnv): ResolvedConnection => {
  const found: Substitution[] = [];
  const done = (resolved: string): ResolvedConnection => ({
    url: resolved,
    shown: shownUrl(url),
    scrub: scrubber(found),
  });
  const parts = splitUrl(url);
  if (parts === undefined) return done(substitute(url, url, env, (value) => value, found));
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
  const encodeValue = (text: string | undefined, password: boolean) =>
    text === undefined ? undefined : substitute(text, url, env, encodeURIComponent, found, () => password);
  // Where the rest's `password=` values stand: a variable there is a password too.
  const passwordValues = [...parts.rest.matchAll(passwordParameter)].map((match) => {
    const start = match.index + (match[1] ?? '').length;
    return { start, end: start + (match[2] ?? '').length };
  });
  const inPasswordParameter = (offset: number) =>
    passwordValues.some(({ start, end }) => offset >= start && offset < end);
  return done(
    joinUrl({
      scheme: parts.scheme,
      user: encodeValue(parts.user, false),
      password: encodeValue(parts.password, true),
      host: substitute(parts.host, url, env, (value) => value, found),
      rest: substitute(parts.rest, url, env, (value) => value, found, inPasswordParameter),
    }),
  );
};

/** The URL given to the driver (see resolveConnection). */
export const resolveConnectionUrl = (url: string, env: NodeJS.ProcessEnv): string =>
  resolveConnection(url, env).url;

/**
 * A URL that names no variable (a test's, or one already resolved by whoever wrote it) as a ResolvedConnection:
 * shown with its password masked.
 */
export const literalConnection = (url: string): ResolvedConnection => ({
  url,
  shown: redactUrl(url),
  scrub: (message) => message,
});

/**
 * The URL as written, for messages: `${VAR}` placeholders kept (never their values), a password written
 * literally (in the userinfo or a `password=` parameter) replaced by `***`.
 */
export const shownUrl = (written: string): string => {
  const parts = splitUrl(written);
  if (parts === undefined) return written;
  const masked = (text: string) => (isLiteralSecret(text) ? '***' : text);
  return joinUrl({
    ...parts,
    password: parts.password === undefined ? undefined : masked(parts.password),
    rest: parts.rest.replace(
      passwordParameter,
      (_match, name: string, value: string) => `${name}${masked(value)}`,
    ),
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

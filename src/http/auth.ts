import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

export interface AuthOptions {
  /** The shared token (BREAKWATER_API_TOKEN). Undefined turns auth off. */
  token: string | undefined;
  /**
   * Also accept HTTP basic auth with the token as the password (any user name), and challenge with
   * Basic so a browser shows its login dialog. For Bull Board. @defaultValue false
   */
  basic?: boolean;
}

export type Credentials = 'valid' | 'missing' | 'invalid';

/** Checks an Authorization header against the token (always valid when there is no token). */
export function checkCredentials(
  header: string | undefined,
  { token, basic = false }: AuthOptions,
): Credentials {
  if (token === undefined) return 'valid';
  const presented = presentedToken(header, basic);
  if (presented === undefined) return 'missing';
  return timingSafeEqual(digest(presented), digest(token)) ? 'valid' : 'invalid';
}

/** Requires `Authorization: Bearer <token>` (or basic auth, when enabled) on every request it guards. */
export function requireToken({ token, basic = false }: AuthOptions): RequestHandler {
  if (token === undefined) return (_request, _response, next) => next();
  return (request, response, next) => {
    const credentials = checkCredentials(request.headers.authorization, { token, basic });
    if (credentials === 'valid') return next();
    response.setHeader('www-authenticate', basic ? 'Basic realm="Breakwater"' : 'Bearer realm="Breakwater"');
    throw new HttpError(
      401,
      'unauthorized',
      credentials === 'missing'
        ? 'missing credentials: send Authorization: Bearer <BREAKWATER_API_TOKEN>'
        : 'the token is not valid',
    );
  };
}

/** The token a request presents (bearer, or basic's password when enabled), whatever its spelling. */
export function presentedToken(header: string | undefined, basic: boolean): string | undefined {
  const match = /^(\S+) +(\S+)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const [, scheme = '', value = ''] = match;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (basic && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

/** Equal-length digests, so comparing them takes the same time whatever the token's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

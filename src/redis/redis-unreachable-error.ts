import { hasBrand } from '../errors/brand.js';
import { displayTarget, parseRedisTarget } from './redis-target.js';

const brand = Symbol.for('breakwater.RedisUnreachableError');

/** The ways out most people take, named in every "cannot reach Redis" line. */
export const defaultRedisFix =
  'start one with "sudo apt-get install redis-server" or "docker compose up -d redis", or set REDIS_URL to yours';

/** Redis did not answer at startup; the message names the URL (password hidden) and how to get one. */
export class RedisUnreachableError extends Error {
  readonly [brand] = true;
  override readonly name = 'RedisUnreachableError';

  constructor(url: string, reason: string, fix: string = defaultRedisFix) {
    super(`cannot reach Redis at ${displayUrl(url)} (${reason}); ${fix}`);
  }

  static is(error: unknown): error is RedisUnreachableError {
    return hasBrand(error, brand);
  }
}

/** The URL without its password, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const target = parseRedisTarget(url);
    if (target.kind === 'cluster') return displayTarget(target);
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'an invalid REDIS_URL';
  }
}

import { ConfigError } from '../config/config-error.js';
import { knownSecrets } from '../logging/known-secrets.js';
import { redisUrl } from '../redis/connection.js';
import { parseRedisTarget } from '../redis/redis-target.js';

/** What a Breakwater process reads from its environment, besides the config file and provider keys. */
export interface ProcessSettings {
  redisUrl: string;
  /** Whether REDIS_CLUSTER_NODES or REDIS_URL named the Redis (else the config's `redis.cluster` may). */
  redisNamed?: boolean;
  host: string;
  port: number;
  /** BREAKWATER_API_TOKEN; undefined when unset or empty. */
  token: string | undefined;
  /** How long in-flight calls get on SIGTERM before they are aborted and their jobs returned. */
  shutdownGraceMs: number;
  /** BREAKWATER_ALLOW_UNAUTHENTICATED=1: listen beyond loopback without a token, on purpose. */
  allowUnauthenticated: boolean;
}

/**
 * Reads PORT, HOST, REDIS_URL, BREAKWATER_API_TOKEN, BREAKWATER_SHUTDOWN_GRACE_MS and
 * BREAKWATER_ALLOW_UNAUTHENTICATED; throws ConfigError.
 */
/** A shorter token is guessable, and too short to be scrubbed from logs without mangling text. */
export const minTokenLength = 16;

export function readProcessSettings(env: NodeJS.ProcessEnv = process.env): ProcessSettings {
  const problems = [];
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    problems.push({
      path: 'PORT',
      message: `"${env.PORT}" is not a port; set PORT to a number from 0 to 65535`,
    });
  }
  const grace = Number(env.BREAKWATER_SHUTDOWN_GRACE_MS || 30_000);
  if (!Number.isFinite(grace) || grace < 0) {
    problems.push({
      path: 'BREAKWATER_SHUTDOWN_GRACE_MS',
      message: `"${env.BREAKWATER_SHUTDOWN_GRACE_MS}" is not a duration; set it in milliseconds, e.g. 30000`,
    });
  }
  const allow = (env.BREAKWATER_ALLOW_UNAUTHENTICATED ?? '').trim().toLowerCase();
  if (!['', '0', '1', 'true', 'false'].includes(allow)) {
    problems.push({
      path: 'BREAKWATER_ALLOW_UNAUTHENTICATED',
      message: `"${env.BREAKWATER_ALLOW_UNAUTHENTICATED}" is not a flag; set it to 1 or leave it unset`,
    });
  }
  const token = env.BREAKWATER_API_TOKEN || undefined;
  if (token !== undefined && token.length < minTokenLength) {
    problems.push({
      path: 'BREAKWATER_API_TOKEN',
      message: `is ${token.length} characters; use at least ${minTokenLength}, e.g. openssl rand -hex 24`,
    });
  }
  let address = '';
  try {
    address = redisUrl(env);
  } catch (error) {
    problems.push({
      path: 'REDIS_CLUSTER_NODES',
      message: `${error instanceof Error ? error.message : String(error)}; set it to host:port,host:port`,
    });
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);
  knownSecrets.add(passwordOf(address));
  knownSecrets.add(env.BREAKWATER_API_TOKEN || undefined);
  return {
    redisUrl: address,
    redisNamed: Boolean(env.REDIS_CLUSTER_NODES?.trim() || env.REDIS_URL),
    host: env.HOST || '127.0.0.1',
    port,
    token,
    shutdownGraceMs: grace,
    allowUnauthenticated: allow === '1' || allow === 'true',
  };
}

/** The Redis password, kept out of logs. */
export function passwordOf(address: string): string | undefined {
  const target = parseRedisTarget(address);
  if (target.kind === 'cluster') return target.password;
  try {
    return decodeURIComponent(new URL(target.url).password) || undefined;
  } catch {
    return undefined;
  }
}

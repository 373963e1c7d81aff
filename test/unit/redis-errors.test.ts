import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../src/http/error-handler.js';
import {
  isClusterInTransition,
  isRedisConnectionError,
  isRedisUnavailable,
} from '../../src/redis/redis-errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('an error from a Redis that just went away', () => {
  it('is recognised by its socket code or ioredis’s fixed words', () => {
    expect(isRedisConnectionError(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'))).toBe(
      true,
    );
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(
      isRedisConnectionError(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(
      true,
    );
    expect(isRedisConnectionError(new Error('ERR wrong number of arguments'))).toBe(false);
    expect(isRedisConnectionError('Connection is closed.')).toBe(false);
  });

  it('is a 503 redis-unavailable even before the client notices the connection is down', () => {
    const error = toHttpError(new Error('Connection is closed.'), () => true);
    expect(error).toMatchObject({ status: 503, code: 'redis-unavailable' });
    expect(toHttpError(new Error('something else'), () => true)).toMatchObject({
      status: 500,
      code: 'internal',
    });
  });
});

describe('an error from a Redis Cluster changing its layout', () => {
  it('is recognised by the reply a node gives while slots change hands, or ioredis’s routing words', () => {
    for (const message of [
      'MOVED 14747 127.0.0.1:37575',
      'ASK 3999 127.0.0.1:7001',
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no',
      'LOADING Redis is loading the dataset in memory',
      "READONLY You can't write against a read only replica.",
      'Too many Cluster redirections.',
      "Cluster isn't ready and enableOfflineQueue options is false",
      'Failed to refresh slots cache.',
    ]) {
      expect(isClusterInTransition(new Error(message)), message).toBe(true);
    }
    expect(isClusterInTransition(new Error('ERR unknown command'))).toBe(false);
    expect(isClusterInTransition(new Error('CROSSSLOT Keys in request don’t hash to the same slot'))).toBe(
      false,
    );
    expect(isClusterInTransition('MOVED 1 127.0.0.1:1')).toBe(false);
  });

  it('is, like a timeout or a lost connection, Redis unavailable for now', () => {
    expect(isRedisUnavailable(new Error('MOVED 14747 127.0.0.1:37575'))).toBe(true);
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisUnavailable(new Error('ERR unknown command'))).toBe(false);
  });

  it('is a 503 redis-unavailable, so a producer retries the same request', () => {
    expect(toHttpError(new Error('MOVED 14747 127.0.0.1:37575'), () => true)).toMatchObject({
      status: 503,
      code: 'redis-unavailable',
    });
  });
});

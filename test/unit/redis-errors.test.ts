import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../src/http/error-handler.js';
import { isRedisConnectionError } from '../../src/redis/redis-timeout.js';

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

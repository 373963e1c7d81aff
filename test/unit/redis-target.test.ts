import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { redisUrl } from '../../src/redis/connection.js';
import { clusterAddress, displayTarget, nodeUrls, parseRedisTarget } from '../../src/redis/redis-target.js';
import { RedisUnreachableError } from '../../src/redis/redis-unreachable-error.js';
import { readProcessSettings } from '../../src/runtime/process-settings.js';

describe('where Redis is: one server or a cluster', () => {
  it('a redis:// or rediss:// URL is one server', () => {
    expect(parseRedisTarget('redis://127.0.0.1:6379')).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6379',
    });
    expect(parseRedisTarget('rediss://u:p@cache:6380/2').kind).toBe('single');
  });

  it('REDIS_CLUSTER_NODES becomes a cluster seed list, and wins over REDIS_URL', () => {
    const address = redisUrl({
      REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, 10.0.0.2:7001 ',
      REDIS_URL: 'redis://x:1',
    });
    expect(address).toBe('redis+cluster://10.0.0.1:7000,10.0.0.2:7001');
    expect(parseRedisTarget(address)).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
  });

  it('TLS and credentials come in the URL forms, kept out of what is displayed', () => {
    const address = clusterAddress('rediss://app:s%40cret@a.cache:6379,rediss://b.cache:6379');
    const target = parseRedisTarget(address);
    expect(target).toMatchObject({ kind: 'cluster', username: 'app', password: 's@cret', tls: true });
    expect(displayTarget(target)).toBe('rediss+cluster://app:***@a.cache:6379,b.cache:6379');
    expect(nodeUrls(target)).toEqual([
      'rediss://app:s%40cret@a.cache:6379',
      'rediss://app:s%40cret@b.cache:6379',
    ]);
  });

  it('"cannot reach Redis" names the cluster without its password', () => {
    const message = new RedisUnreachableError(
      'redis+cluster://:s3cret-pass@a:7000,b:7001',
      'no seed node answered',
    ).message;
    expect(message).toContain('redis+cluster://:***@a:7000,b:7001');
    expect(message).not.toContain('s3cret-pass');
  });

  it('a bad node is a config error naming REDIS_CLUSTER_NODES and the fix', () => {
    expect(() => parseRedisTarget('redis+cluster://a:1,b')).toThrow('cluster node "b" is not host:port');
    let error: unknown;
    try {
      readProcessSettings({ REDIS_CLUSTER_NODES: 'cache-1:6379,cache-2' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/REDIS_CLUSTER_NODES.*host:port/);
  });

  it('the cluster password is a known secret, scrubbed from logs', async () => {
    const settings = readProcessSettings({
      REDIS_CLUSTER_NODES: 'redis://:canary-password-0123@a:7000,b:7001',
    });
    expect(settings.redisUrl).toBe('redis+cluster://:canary-password-0123@a:7000,b:7001');
    const { knownSecrets } = await import('../../src/logging/known-secrets.js');
    expect(knownSecrets.scrub('leaked canary-password-0123 here')).not.toContain('canary-password-0123');
  });
});

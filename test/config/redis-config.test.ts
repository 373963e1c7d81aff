import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { parseRedisTarget } from '../../src/redis/redis-target.js';
import { redisOf } from '../../src/runtime/prepare-process.js';
import { readProcessSettings } from '../../src/runtime/process-settings.js';

const base = `
providers:
  fake: { type: simulated }
routes:
  default: [{ provider: fake, model: gpt-4.1-mini }]
`;

function problems(text: string) {
  try {
    parseConfigText(text, 'test.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('redis.cluster and queue.shards in the config', () => {
  it('takes cluster seeds as host:port, and queue.shards', () => {
    const { config } = parseConfigText(
      `${base}redis: { cluster: ["10.0.0.1:7000", "redis://10.0.0.2:7001"] }\nqueue: { shards: 3 }\n`,
      'test.yaml',
      {},
    );
    expect(config.redis.cluster).toEqual(['10.0.0.1:7000', 'redis://10.0.0.2:7001']);
    expect(config.queue.shards).toBe(3);
  });

  it('refuses a password in the file, a bad node and a bad shard count, naming the key', () => {
    expect(problems(`${base}redis: { cluster: ["redis://user:secret@10.0.0.1:7000"] }\n`)).toEqual([
      {
        path: 'redis.cluster.0',
        message:
          'must be host:port (or redis://host:port, rediss://host:port); a password goes in REDIS_CLUSTER_NODES',
      },
    ]);
    expect(problems(`${base}redis: { cluster: [] }\n`)).toEqual([
      { path: 'redis.cluster', message: 'name at least one node' },
    ]);
    expect(problems(`${base}queue: { shards: 100 }\n`)).toEqual([
      { path: 'queue.shards', message: 'must be at most 64' },
    ]);
  });

  it('REDIS_CLUSTER_NODES and REDIS_URL win over the config; the config wins over the default', () => {
    const seeds = { cluster: ['10.0.0.1:7000', 'rediss://10.0.0.2:7001'] };
    const none = readProcessSettings({});
    expect(none.redisNamed).toBe(false);
    const fromConfig = parseRedisTarget(redisOf(none, seeds));
    expect(fromConfig).toMatchObject({
      kind: 'cluster',
      tls: false,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
    expect(redisOf(none, {})).toBe('redis://127.0.0.1:6379');
    const url = readProcessSettings({ REDIS_URL: 'redis://cache:6380' });
    expect(redisOf(url, seeds)).toBe('redis://cache:6380');
    const nodes = readProcessSettings({ REDIS_CLUSTER_NODES: 'a:1,b:2' });
    expect(parseRedisTarget(redisOf(nodes, seeds))).toMatchObject({
      kind: 'cluster',
      nodes: [{ host: 'a' }, { host: 'b' }],
    });
  });
});

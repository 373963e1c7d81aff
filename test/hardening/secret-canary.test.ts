import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { type ApiRuntime, startApiRuntime } from '../../src/runtime/api-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/runtime/worker-runtime.js';
import { CanaryProvider } from '../support/canary-provider.js';
import { EventClient } from '../support/event-client.js';
import { redisUrl } from '../support/worker-harness.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every value under the queue's keys, whatever the key's type, as one string. */
async function dumpKeys(redis: Redis, pattern: string): Promise<{ keys: number; text: string }> {
  const keys = await redis.keys(pattern);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? await redis.get(key)
        : type === 'hash'
          ? await redis.hgetall(key)
          : type === 'list'
            ? await redis.lrange(key, 0, -1)
            : type === 'set'
              ? await redis.smembers(key)
              : type === 'zset'
                ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                : type === 'stream'
                  ? await redis.xrange(key, '-', '+')
                  : `unknown type ${type}`;
    parts.push(key, JSON.stringify(value));
  }
  return { keys: keys.length, text: parts.join('\n') };
}

function occurrences(text: string, canary: string): number {
  return text.split(canary).length - 1;
}

describe('secrets never leak', () => {
  it('provider keys and the API token appear 0 times in logs, Redis, API responses and Bull Board', async () => {
    const provider = new CanaryProvider();
    const root = await provider.start();
    cleanups.push(() => provider.close());
    const canaries = {
      openai: `sk-canary-openai-${randomUUID()}`,
      anthropic: `sk-ant-canary-${randomUUID()}`,
      token: `bw-canary-token-${randomUUID()}`,
    };
    const queueName = `test-${randomUUID()}`;
    // One provider (so one breaker) per wire format and behaviour: a 429 opening one cannot defer
    // the others' jobs, and `onAllOpen: fail` ends a job at once if its provider is open.
    const behaviours = ['ok', '401', '429', '500', 'timeout', 'badbody'];
    const wires = { oa: ['openai', 'CANARY_OPENAI_KEY'], an: ['anthropic', 'CANARY_ANTHROPIC_KEY'] } as const;
    const providers: Record<string, unknown> = {};
    const routes: Record<string, unknown> = {};
    for (const [prefix, [type, apiKeyEnv]] of Object.entries(wires)) {
      for (const behaviour of behaviours) {
        const name = `${prefix}-${behaviour}`;
        providers[name] = { type, baseURL: `${root}/${name}/v1`, apiKeyEnv, timeoutMs: 300 };
        routes[name] = [{ provider: name, model: type === 'openai' ? 'gpt-4.1-mini' : 'claude-haiku-4-5' }];
      }
    }
    const loaded = validateConfig(
      { providers, routes, defaultRoute: 'oa-ok', queue: { name: queueName, attempts: 2, backoffMs: 50 } },
      'test',
      { CANARY_OPENAI_KEY: canaries.openai, CANARY_ANTHROPIC_KEY: canaries.anthropic },
    );

    let logs = '';
    const sink = new Writable({
      write: (chunk, _encoding, callback) => {
        logs += String(chunk);
        callback();
      },
    });
    const logger = createLogger({ level: 'debug', destination: sink });
    const worker: WorkerRuntime = await startWorkerRuntime({ loaded, redisUrl, logger, closeGraceMs: 500 });
    const api: ApiRuntime = await startApiRuntime({
      loaded,
      redisUrl,
      logger,
      port: 0,
      token: canaries.token,
    });
    cleanups.push(async () => {
      await worker.close();
      for (const shard of api.queues.shards) await removeQueue(shard);
      await api.close();
    });

    let responses = '';
    const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${canaries.token}`) => {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      responses += `${response.status} ${JSON.stringify([...response.headers])} ${text}\n`;
      return { status: response.status, text };
    };

    // Every live event of the run is read too.
    const events = await EventClient.connect(`${api.url.replace(/^http/, 'ws')}/v1/events`, {
      authorization: `Bearer ${canaries.token}`,
    });
    cleanups.push(async () => events.close());

    const ids: string[] = [];
    for (const prefix of Object.keys(wires)) {
      for (const behaviour of behaviours) {
        // A 429 is a limit: its job waits for capacity (no attempt spent) until its deadline fails it.
        const deadline = behaviour === '429' ? { deadline: new Date(Date.now() + 3_000).toISOString() } : {};
        const job = {
          route: `${prefix}-${behaviour}`,
          prompt: `please ${behaviour}`,
          onAllOpen: 'fail',
          ...deadline,
        };
        const { status, text } = await call('POST', '/v1/jobs', job);
        expect(status).toBe(202);
        ids.push((JSON.parse(text) as { id: string }).id);
      }
    }
    const bulk = await call('POST', '/v1/jobs/bulk', {
      jobs: [{ prompt: 'bulk ok' }, { route: 'an-401', prompt: 'bulk 401', onAllOpen: 'fail' }],
    });
    ids.push(...(JSON.parse(bulk.text) as { jobs: { id: string }[] }).jobs.map((job) => job.id));
    // Wrong and missing credentials, and bad input, answered too.
    expect((await call('POST', '/v1/jobs', { prompt: 'x' }, `Bearer ${canaries.token}x`)).status).toBe(401);
    expect((await call('GET', '/v1/providers', undefined, '')).status).toBe(401);
    expect((await call('POST', '/v1/jobs', { prompt: 'x', token: canaries.token.slice(0, 8) })).status).toBe(
      400,
    );

    await expect
      .poll(
        async () => {
          const counts = await api.queues.getJobCounts('completed', 'failed');
          return counts.completed + counts.failed;
        },
        { timeout: 15_000, interval: 200 },
      )
      .toBe(ids.length)
      .catch(async (error: unknown) => {
        const jobs = await Promise.all(ids.map((id) => api.queues.getJob(id)));
        for (const job of jobs)
          console.log(
            job?.id,
            job?.data.prompt,
            await job?.getState(),
            job?.failedReason,
            JSON.stringify(job?.progress),
          );
        console.log(logs);
        throw error;
      });
    for (const id of ids) await call('GET', `/v1/jobs/${id}`);
    await call('GET', '/v1/providers');
    await call('GET', '/v1/stats');
    await call('GET', '/metrics');
    const basic = `Basic ${Buffer.from(`ops:${canaries.token}`).toString('base64')}`;
    for (const status of ['latest', 'failed', 'completed']) {
      const board = await call(
        'GET',
        `/admin/queues/api/queues?activeQueue=${queueName}&status=${status}&page=1`,
        undefined,
        basic,
      );
      expect(board.status).toBe(200);
    }
    expect((await call('GET', '/admin/providers/data', undefined, basic)).status).toBe(200);
    const eventText = JSON.stringify(events.messages);
    expect(events.of((message) => message.event === 'failed').length).toBeGreaterThan(0);

    const redis = new Redis(redisUrl);
    cleanups.push(async () => redis.disconnect());
    const dump = await dumpKeys(redis, `${queueKeyOf(queueName)}*`);

    // The canaries were really in play: sent to the provider, echoed back in its errors.
    expect(provider.keysSeen).toEqual(new Set([canaries.openai, canaries.anthropic]));
    expect(new Set(provider.outcomes)).toEqual(new Set(behaviours));
    const counts = await api.queues.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: 3, failed: ids.length - 3 });
    expect(logs).toContain('[redacted]');
    expect(dump.keys).toBeGreaterThan(10);
    console.log(
      'canary figures',
      JSON.stringify({
        jobs: ids.length,
        ...counts,
        redisKeys: dump.keys,
        logBytes: logs.length,
        responseBytes: responses.length,
      }),
    );

    for (const [name, canary] of Object.entries(canaries)) {
      expect(occurrences(logs, canary), `${name} in logs`).toBe(0);
      expect(occurrences(dump.text, canary), `${name} in Redis`).toBe(0);
      expect(occurrences(responses, canary), `${name} in API responses`).toBe(0);
      expect(occurrences(eventText, canary), `${name} in live events`).toBe(0);
    }
  });
});

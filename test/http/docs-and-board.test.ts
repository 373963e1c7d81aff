import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { startApiRuntime } from '../../src/runtime/api-runtime.js';
import { ApiHarness } from '../support/api-harness.js';
import { DedicatedRedis } from '../support/redis-server.js';

let harness: ApiHarness;
afterEach(() => harness?.stop());

type Spec = {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

describe('/openapi.json and /docs', () => {
  it('documents every route, with the job schema generated from the validator', async () => {
    harness = await new ApiHarness().start();
    const { status, body } = await harness.request<Spec>('GET', '/openapi.json');
    expect(status).toBe(200);
    const operations = Object.entries(body.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'DELETE /v1/jobs/{id}',
        'GET /healthz',
        'GET /metrics',
        'GET /readyz',
        'GET /v1/batches',
        'GET /v1/batches/{id}',
        'GET /v1/events',
        'GET /v1/stats',
        'GET /v1/jobs/{id}',
        'GET /v1/flows/{id}',
        'POST /v1/flows',
        'GET /v1/providers',
        'POST /v1/providers/{name}/close',
        'POST /v1/providers/{name}/open',
        'POST /v1/jobs',
        'POST /v1/jobs/bulk',
        'POST /v1/jobs/{id}/redeliver',
      ].sort(),
    );
    const jobInput = body.components.schemas.JobInput;
    expect(Object.keys(jobInput?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'route',
        'chain',
        'messages',
        'prompt',
        'idempotencyKey',
        'onAllOpen',
        'deadline',
      ]),
    );
    expect(body.components.schemas.JobView?.properties?.state).toMatchObject({
      enum: ['waiting', 'active', 'deferred', 'delayed', 'batched', 'completed', 'failed'],
    });
    // Every documented route is served: none answers with the catch-all 404.
    for (const operation of operations) {
      const [method = 'GET', path = '/'] = operation.split(' ');
      const response = await harness.request(
        method,
        path.replace('{id}', 'x'),
        method === 'POST' ? {} : undefined,
      );
      expect((response.body as { error?: { message?: string } }).error?.message ?? '').not.toMatch(
        /^no route/,
      );
    }
  });

  it('is a valid OpenAPI 3.0 document', async () => {
    harness = await new ApiHarness().start();
    const { body } = await harness.request<Spec>('GET', '/openapi.json');
    expect(await new Validator().validate(body as unknown as Record<string, unknown>)).toEqual({
      valid: true,
    });
    // The validator does catch what the spec requires, e.g. a response without a description.
    const broken = structuredClone(body);
    delete (broken.paths['/healthz']!.get!.responses['200'] as { description?: string }).description;
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('serves an interactive docs page that reads the spec', async () => {
    harness = await new ApiHarness().start();
    const page = await harness.request<string>('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain("fetch('/openapi.json')");
    expect(page.body).toContain('Send');
  });
});

describe('Bull Board at /admin/queues', () => {
  it('serves the board page and lists the queue, read-only by default', async () => {
    harness = await new ApiHarness().start();
    await harness.request('POST', '/v1/jobs', { prompt: 'visible on the board' });
    const page = await harness.request<string>('GET', '/admin/queues');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const api = await harness.request<{
      queues: { name: string; displayName: string; readOnlyMode: boolean }[];
    }>('GET', '/admin/queues/api/queues?activeQueue=&status=latest&page=1');
    // BullMQ's name carries the hash tag; the board shows the queue's own name.
    const queue = api.body.queues.find((entry) => entry.name === `{${harness.queueName}}`);
    expect(queue?.displayName).toBe(harness.queueName);
    expect(queue?.readOnlyMode).toBe(true);
  });

  it('board.readOnly: false allows actions; board.enabled: false removes the board', async () => {
    harness = await new ApiHarness({ config: (base) => ({ ...base, board: { readOnly: false } }) }).start();
    const api = await harness.request<{ queues: { name: string; readOnlyMode: boolean }[] }>(
      'GET',
      '/admin/queues/api/queues',
    );
    expect(api.body.queues.find((entry) => entry.name === `{${harness.queueName}}`)?.readOnlyMode).toBe(
      false,
    );
    await harness.stop();

    harness = await new ApiHarness({ config: (base) => ({ ...base, board: { enabled: false } }) }).start();
    expect((await harness.request('GET', '/admin/queues')).status).toBe(404);
  });
});

describe('when Redis stops answering', () => {
  it('readyz and every Redis-backed route answer 503 at once, healthz stays 200', async () => {
    const redis = await new DedicatedRedis().start();
    const harnessConfig = await new ApiHarness().start();
    const api = await startApiRuntime({
      loaded: { config: harnessConfig.config, secrets: new Map(), source: 'test' },
      redisUrl: redis.url,
      logger: createLogger({ level: 'silent' }),
      port: 0,
    });
    harness = harnessConfig;
    try {
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
      await redis.stop();
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable' });
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      const started = Date.now();
      const submitted = await fetch(`${api.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'while Redis is down' }),
      });
      expect(submitted.status).toBe(503);
      expect(submitted.headers.get('retry-after')).toBe('5');
      expect(((await submitted.json()) as { error: { code: string } }).error.code).toBe('redis-unavailable');
      expect((await fetch(`${api.url}/v1/jobs/1`)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await api.close();
      await redis.stop();
    }
  });
});

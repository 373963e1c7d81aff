import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakwaterApiError, BreakwaterClient } from '../../src/client/index.js';
import { ApiHarness } from '../support/api-harness.js';
import { jobAnswer, startFakeApi } from '../support/fake-api.js';
import { freePort } from '../support/redis-server.js';

let harness: ApiHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** True once `ms` have passed from now. */
function doneAfter(ms: number): () => boolean {
  const at = Date.now() + ms;
  return () => Date.now() >= at;
}

async function rejection(promise: Promise<unknown>): Promise<BreakwaterApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!BreakwaterApiError.is(error)) throw new Error(`expected a BreakwaterApiError, got ${String(error)}`);
  return error;
}

describe('BreakwaterClient', () => {
  it('enqueues, waits for the result, and reads it back', async () => {
    harness = await new ApiHarness({ worker: true, token: 'client-token' }).start();
    const client = new BreakwaterClient({ url: `${harness.api.url}/`, token: 'client-token' });
    const accepted = await client.enqueue({ prompt: 'enrich: ACME Corp', idempotencyKey: 'acme' });
    expect(['waiting', 'active', 'completed']).toContain(accepted.state);
    const done = await client.wait(accepted.id, { intervalMs: 20, timeoutMs: 10_000 });
    expect(done).toMatchObject({ id: accepted.id, state: 'completed', result: { provider: 'primary' } });
    expect(await client.get(accepted.id)).toEqual(done);
    expect((await client.enqueue({ prompt: 'enrich: ACME Corp', idempotencyKey: 'acme' })).id).toBe(
      accepted.id,
    );
    expect((await client.providers()).map((provider) => provider.name)).toEqual([
      'primary',
      'secondary',
      'tertiary',
    ]);
    const stats = await client.stats();
    expect(stats.providers.map((provider) => provider.name).sort()).toEqual([
      'primary',
      'secondary',
      'tertiary',
    ]);
    // Workers flush their counters in batches: the call shows up shortly.
    await expect.poll(async () => (await client.stats()).totals.calls, { timeout: 10_000 }).toBe(1);
  });

  it('waitFor yields each job as it ends, in the order they end, and a job removed meanwhile as gone', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const client = new BreakwaterClient({ url: harness.api.url });
    const [first, second, parked] = await client.enqueueMany([
      { prompt: 'now' },
      { prompt: 'soon', delayMs: 300 },
      { prompt: 'much later', delayMs: 600_000 },
    ]);
    const ended: string[] = [];
    // Reads a minute apart: each job is seen as it ends only because /v1/events says so.
    for await (const job of client.waitFor([parked!.id, second!.id, first!.id], { intervalMs: 60_000 })) {
      ended.push(`${job.id} ${job.state}`);
      if (ended.length === 2) await client.cancel(parked!.id);
    }
    // The two that run end in either order; the parked one ends only once it is cancelled.
    expect(ended.slice(0, 2).sort()).toEqual([`${first!.id} completed`, `${second!.id} completed`].sort());
    expect(ended[2]).toBe(`${parked!.id} gone`);
    await expect(client.wait(parked!.id)).rejects.toMatchObject({ status: 404, code: 'not-found' });
  });

  it('enqueueMany is all or nothing; errors carry status, code and fields', async () => {
    harness = await new ApiHarness().start();
    const client = new BreakwaterClient({ url: harness.api.url });
    const error = await rejection(client.enqueueMany([{ prompt: 'ok' }, { prompt: 'x', route: 'nowhere' }]));
    expect(error).toMatchObject({ status: 400, code: 'invalid-request' });
    expect(error.fields.map((field) => field.path)).toEqual(['jobs.1.route']);
    expect(await harness.queue.count()).toBe(0);
    const jobs = await client.enqueueMany([{ prompt: 'a' }, { prompt: 'b' }]);
    expect(jobs).toHaveLength(2);

    await client.cancel(jobs[0]!.id);
    expect(await rejection(client.get(jobs[0]!.id))).toMatchObject({ status: 404, code: 'not-found' });
    const timeout = await rejection(client.wait(jobs[1]!.id, { intervalMs: 20, timeoutMs: 100 }));
    expect(timeout).toMatchObject({
      code: 'timeout',
      message: `job ${jobs[1]!.id} is still waiting after 100 ms`,
    });
  });

  it('waits out the rate limit as the API asks (429 with Retry-After), and gives up when told to', async () => {
    harness = await new ApiHarness({
      token: 'client-token',
      // The refusal below must come while 'c' still counts: until the end of the fixed window 'c'
      // landed in. 'c' is admitted at least halfway into a window, plus up to 1 s of Retry-After
      // rounding: with a 1 s window that left anything from 0.5 s down to a few milliseconds, and 'd'
      // and 'e' were admitted. With 3 s at least 0.5 s is left, against a few ms between the requests.
      config: (base) => ({ ...base, api: { rateLimit: { jobs: 2, windowMs: 3_000 } } }),
    }).start();
    const patient = new BreakwaterClient({ url: harness.api.url, token: 'client-token' });
    const started = Date.now();
    const accepted = await patient.enqueueMany([{ prompt: 'a' }, { prompt: 'b' }]);
    accepted.push(await patient.enqueue({ prompt: 'c' }));
    expect(accepted).toHaveLength(3);
    // The third job waited for the window to move on: the API said when.
    // Retry-After is whole seconds, at least 1.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await harness.queue.count()).toBe(3);

    const impatient = new BreakwaterClient({
      url: harness.api.url,
      token: 'client-token',
      rateLimitRetries: 0,
    });
    // 'c' is still in the window: two more are over the limit, and nothing of them is enqueued.
    const refused = await rejection(impatient.enqueueMany([{ prompt: 'd' }, { prompt: 'e' }]));
    expect(refused).toMatchObject({ status: 429, code: 'rate-limited' });
    expect(await harness.queue.count()).toBe(3);
  });

  it('wait follows the event stream (polls a minute apart, yet returns within seconds); events lists them', async () => {
    harness = await new ApiHarness({ worker: true, token: 'client-token-0123456789' }).start();
    const client = new BreakwaterClient({ url: harness.api.url, token: 'client-token-0123456789' });
    const seen: string[] = [];
    const subscription = await client.events((event) => {
      if (event.type === 'job') seen.push(`${event.event} ${event.jobId}`);
    });
    const { id } = await client.enqueue({ prompt: 'quick', delayMs: 300 });
    const started = Date.now();
    const done = await client.wait(id, { intervalMs: 60_000, timeoutMs: 20_000 });
    expect(done.state).toBe('completed');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect
      .poll(() => seen)
      .toEqual(expect.arrayContaining([`queued ${id}`, `active ${id}`, `completed ${id}`]));
    subscription.close();
    await subscription.closed;
  });

  it('wait falls back to polling where the event stream is unavailable', async () => {
    let reads = 0;
    // An API behind a proxy that does not pass WebSockets: upgrades are refused, reads work.
    const api = await startFakeApi(
      'refuse-upgrade',
      jobAnswer(() => ++reads >= 3),
    );
    try {
      const client = new BreakwaterClient({ url: api.url });
      await expect(client.events(() => undefined)).rejects.toMatchObject({ status: 404 });
      const done = await client.wait('7', { intervalMs: 20, timeoutMs: 5_000 });
      expect(done.state).toBe('completed');
      expect(reads).toBe(3);
    } finally {
      await api.close();
    }
  });

  it('a stream that closes before it begins is a clear error, and wait polls instead', async () => {
    const api = await startFakeApi('close-before-ready', jobAnswer(doneAfter(300)));
    try {
      const client = new BreakwaterClient({ url: api.url });
      await expect(client.events(() => undefined)).rejects.toMatchObject({ code: 'unreachable' });
      const started = Date.now();
      expect(await client.wait('7', { intervalMs: 50, timeoutMs: 5_000 })).toMatchObject({
        state: 'completed',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await api.close();
    }
  });

  it('a stream that drops mid-wait hands over to polling at once, not at the next safety sweep', async () => {
    const api = await startFakeApi({ dropAfterMs: 200 }, jobAnswer(doneAfter(1_000)));
    try {
      const client = new BreakwaterClient({ url: api.url });
      const started = Date.now();
      expect(await client.wait('7', { intervalMs: 100, timeoutMs: 15_000 })).toMatchObject({
        state: 'completed',
      });
      // The safety sweep with a live stream is 10 s apart: this came from polling every 100 ms. The
      // bound sits halfway, not at 3 s (3× the idle 1 s), which a loaded machine can reach.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await api.close();
    }
  });

  it('a request the API never answers fails with code timeout after requestTimeoutMs', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const client = new BreakwaterClient({ url: `http://127.0.0.1:${port}`, requestTimeoutMs: 200 });
      const started = Date.now();
      const error = await rejection(client.providers());
      expect(error).toMatchObject({ code: 'timeout', message: 'GET /v1/providers took longer than 200 ms' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('an API that is not there is a clear error, not a crash', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await rejection(new BreakwaterClient({ url }).get('1'));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain(`cannot reach Breakwater at ${url}`);
  });
});

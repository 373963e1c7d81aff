import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { batchQueueName } from '../../src/batch/batch-board.js';
import type { BatchList, BatchView, JobView } from '../../src/contract/index.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { ApiHarness } from '../support/api-harness.js';
import { redisUrl } from '../support/worker-harness.js';
import { completedAll, withBatches } from './batch-support.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

describe('batches over the API', () => {
  it('a batched job reads batched with its batch; GET /v1/batches shows counts, cost and savings', async () => {
    harness = await new ApiHarness({ worker: true, config: withBatches({ maxJobs: 3 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 60_000 });
    const ids: string[] = [];
    for (const prompt of ['one', 'two', 'three']) {
      const accepted = await harness.request<{ id: string }>('POST', '/v1/jobs', {
        prompt,
        route: 'batched',
      });
      ids.push(accepted.body.id);
    }
    await expect
      .poll(async () => (await harness.request<JobView>('GET', `/v1/jobs/${ids[0]}`)).body.batch?.status, {
        timeout: 10_000,
      })
      .toBe('in-progress');
    const view = (await harness.request<JobView>('GET', `/v1/jobs/${ids[0]}`)).body;
    expect(view).toMatchObject({
      state: 'batched',
      batch: {
        id: expect.stringMatching(/^bat_/),
        provider: 'primary',
        model: 'gpt-4.1-mini',
        submittedAt: expect.any(String),
      },
    });
    expect(view.nextAttemptAt).toBeUndefined();
    const list = (await harness.request<BatchList>('GET', '/v1/batches')).body;
    expect(list.batches).toEqual([
      expect.objectContaining({
        id: view.batch?.id,
        status: 'in-progress',
        counts: { total: 3, succeeded: 0, errored: 0, expired: 0 },
      }),
    ]);

    // The provider ends it: every job completes, and the batch shows its cost and what it saved.
    harness.simulator.configureBatches('primary', { turnaroundMs: 0 });
    await completedAll(harness, ids);
    const batch = (await harness.request<BatchView>('GET', `/v1/batches/${view.batch?.id}`)).body;
    expect(batch).toMatchObject({
      status: 'ended',
      counts: { total: 3, succeeded: 3, errored: 0, expired: 0 },
      endedAt: expect.any(String),
    });
    expect(batch.costUsd).toBeGreaterThan(0);
    expect(batch.savedUsd).toBeCloseTo(batch.costUsd, 9);

    // Bull Board shows the job's way through its batch in its log; the API's timeline keeps to attempts.
    const { logs } = await harness.queue.getJobLogs(ids[0] ?? '');
    expect(logs).toEqual([
      expect.stringMatching(/^waiting for a provider batch of primary\/gpt-4\.1-mini/),
      expect.stringMatching(new RegExp(`^in provider batch ${batch.id} \\(primary batch_`)),
      expect.stringMatching(/answered; the job completes at the batch price$/),
    ]);
    const done = (await harness.request<JobView>('GET', `/v1/jobs/${ids[0]}`)).body;
    expect(done.timeline).toEqual([
      expect.objectContaining({ event: 'attempt', outcome: 'ok', provider: 'primary' }),
    ]);
    expect(done.costUsd).toBe(done.result && 'costUsd' in done.result ? done.result.costUsd : undefined);

    // Bull Board shows each batch as a job of its own queue, completed with the batch as its result.
    const boardQueue = new Queue(batchQueueName(harness.queueName), {
      connection: connectionOptions(redisUrl),
    });
    await expect
      .poll(async () => (await boardQueue.getJob(batch.id))?.returnvalue, { timeout: 10_000 })
      .toMatchObject({ id: batch.id, status: 'ended' });
    expect((await boardQueue.getJobLogs(batch.id)).logs).toEqual([
      expect.stringMatching(/^claimed 3 jobs for primary\/gpt-4\.1-mini/),
      expect.stringMatching(/^submitted to primary as batch_/),
      expect.stringMatching(/^ended: 3 answered, 0 errored, 0 expired/),
    ]);
    await boardQueue.close();

    const metrics = (await harness.request<string>('GET', '/metrics')).body;
    expect(metrics).toContain('breakwater_batches{status="ended"} 1');
    expect(metrics).toContain('breakwater_batched_jobs_total 3');
    expect(metrics).toMatch(/breakwater_batch_saved_usd_total 0\.0000\d+/);
    expect((await harness.request('GET', '/v1/batches/bat_00000000000000000000000000000000')).status).toBe(
      404,
    );
    expect((await harness.request('GET', '/v1/batches?limit=0')).body).toMatchObject({
      error: { fields: [{ path: 'limit' }] },
    });
  });

  it('DELETE of a job still collecting takes it out of the batch before it is submitted', async () => {
    harness = await new ApiHarness({
      worker: true,
      config: withBatches({ maxJobs: 10, maxWaitMs: 2_000 }),
    }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 0 });
    const ids: string[] = [];
    for (const prompt of ['keep', 'drop', 'keep too']) {
      ids.push(
        (await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt, route: 'batched' })).body.id,
      );
    }
    await expect
      .poll(async () => (await harness.request<JobView>('GET', `/v1/jobs/${ids[1]}`)).body.batch?.status, {
        timeout: 10_000,
      })
      .toBe('collecting');
    expect((await harness.request('DELETE', `/v1/jobs/${ids[1]}`)).body).toEqual({
      id: ids[1],
      cancelled: true,
    });
    await completedAll(harness, [ids[0] ?? '', ids[2] ?? '']);
    expect(harness.simulator.batchesReceived().map((batch) => batch.customIds.sort())).toEqual([
      [ids[0], ids[2]].sort(),
    ]);
  });

  it('DELETE of a job whose batch was submitted: cancelled, its result discarded, the others complete', async () => {
    harness = await new ApiHarness({ worker: true, config: withBatches({ maxJobs: 3 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 60_000 });
    const ids: string[] = [];
    for (const prompt of ['a', 'b', 'c']) {
      ids.push(
        (await harness.request<{ id: string }>('POST', '/v1/jobs', { prompt, route: 'batched' })).body.id,
      );
    }
    await expect
      .poll(async () => (await harness.request<JobView>('GET', `/v1/jobs/${ids[2]}`)).body.batch?.status, {
        timeout: 10_000,
      })
      .toBe('in-progress');
    expect((await harness.request('DELETE', `/v1/jobs/${ids[2]}`)).body).toEqual({
      id: ids[2],
      cancelled: true,
    });
    harness.simulator.configureBatches('primary', { turnaroundMs: 0 });
    await completedAll(harness, [ids[0] ?? '', ids[1] ?? '']);
    expect((await harness.request('GET', `/v1/jobs/${ids[2]}`)).status).toBe(404);
    const [batch] = (await harness.request<BatchList>('GET', '/v1/batches')).body.batches;
    expect(batch).toMatchObject({ status: 'ended', counts: { total: 3, succeeded: 3 } });
  });

  it('a job chain with a batch entry on a provider without a batch API is refused, naming the field', async () => {
    harness = await new ApiHarness({
      config: (base) => ({
        ...base,
        providers: {
          ...(base.providers as object),
          local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' },
        },
      }),
    }).start();
    const refused = await harness.request('POST', '/v1/jobs', {
      prompt: 'x',
      chain: [{ provider: 'local', model: 'llama-3', batch: true }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { fields: [{ path: 'chain.0.batch' }] } });
  });
});

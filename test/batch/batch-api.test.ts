import { afterEach, describe, expect, it } from 'vitest';
import type { BatchList, BatchView, JobView } from '../../src/contract/index.js';
import { ApiHarness } from '../support/api-harness.js';
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

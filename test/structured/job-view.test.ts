import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

const schema = {
  type: 'object',
  properties: { label: { type: 'string', enum: ['bug', 'refund'] } },
  required: ['label'],
};

describe('a structured job seen through the API and Bull Board', () => {
  it('GET /v1/jobs/:id carries the object; Bull Board shows it in the job result as JSON', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const created = await harness.request<{ id: string }>('POST', '/v1/jobs', {
      prompt: 'Classify: charged twice',
      output: { schema, name: 'label' },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await expect
      .poll(async () => (await harness.request('GET', `/v1/jobs/${id}`)).body.state, {
        timeout: 15_000,
        interval: 50,
      })
      .toBe('completed');
    const view = await harness.request<{ result: { object: unknown; text: string } }>(
      'GET',
      `/v1/jobs/${id}`,
    );
    expect(view.body.result.object).toEqual({ label: 'bug' });
    expect(JSON.parse(view.body.result.text)).toEqual({ label: 'bug' });

    const board = await harness.request<{
      queues: { name: string; jobs: { id: string; returnValue: { object?: unknown } }[] }[];
    }>(
      'GET',
      `/admin/queues/api/queues?activeQueue=${encodeURIComponent(`{${harness.queueName}}`)}&status=completed&page=1`,
    );
    const job = board.body.queues
      .find((queue) => queue.name === `{${harness.queueName}}`)
      ?.jobs.find((entry) => entry.id === id);
    expect(job?.returnValue.object).toEqual({ label: 'bug' });
  });
});

import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

interface Accepted {
  id: string;
  state: string;
}
interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}
function postWithoutBody(url: string, contentType: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType } });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
const fieldsOf = (body: unknown) => (body as ErrorBody).error.fields?.map((field) => field.path);

describe('POST /v1/jobs', () => {
  it('accepts a job with 202 and its id, and GET shows it waiting', async () => {
    harness = await new ApiHarness().start();
    const before = Date.now();
    const created = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'summarise the log' });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ id: expect.any(String), state: 'waiting' });

    const job = await harness.request('GET', `/v1/jobs/${created.body.id}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id: created.body.id, state: 'waiting', attempts: 0, deferrals: 0 });
    expect(Date.parse(job.body.createdAt as string)).toBeGreaterThanOrEqual(before - 5);
    expect(job.body).not.toHaveProperty('finishedAt');
    expect((await harness.job(created.body.id)).data).toMatchObject({ prompt: 'summarise the log' });
  });

  it.each([
    ['neither messages nor prompt', { system: 'be brief' }, ['messages']],
    ['both messages and prompt', { prompt: 'a', messages: [{ role: 'user', content: 'b' }] }, ['messages']],
    ['an unknown route', { prompt: 'a', route: 'nowhere' }, ['route']],
    [
      'an unknown provider',
      { prompt: 'a', chain: [{ provider: 'ghost', model: 'm' }] },
      ['chain.0.provider'],
    ],
    ['a bad message role', { messages: [{ role: 'robot', content: 'x' }] }, ['messages.0.role']],
    ['wrong types', { prompt: 7, maxTokens: -1, temperature: 'hot' }, ['prompt', 'maxTokens', 'temperature']],
    ['an unknown field', { prompt: 'a', colour: 'blue' }, ['colour']],
    ['a bad deadline', { prompt: 'a', deadline: 'tomorrow' }, ['deadline']],
    ['a body that is not an object', ['prompt'], ['(body)']],
  ])('rejects %s with 400 naming the field, and enqueues nothing', async (_case, body, fields) => {
    harness = await new ApiHarness().start();
    const response = await harness.request('POST', '/v1/jobs', body);
    expect(response.status).toBe(400);
    expect((response.body as unknown as ErrorBody).error.code).toBe('invalid-request');
    expect(fieldsOf(response.body)).toEqual(fields);
    expect(await harness.queue.count()).toBe(0);
  });

  it('rejects malformed JSON with 400 invalid-json, and a body not sent as JSON with 415', async () => {
    harness = await new ApiHarness().start();
    const malformed = await harness.request('POST', '/v1/jobs', '{"prompt": ');
    expect(malformed.status).toBe(400);
    expect((malformed.body as unknown as ErrorBody).error.code).toBe('invalid-json');
    const text = await harness.request('POST', '/v1/jobs', JSON.stringify({ prompt: 'a' }), {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect((text.body as unknown as ErrorBody).error.message).toContain('Content-Type: application/json');
    const empty = await harness.request('POST', '/v1/jobs/bulk');
    expect(empty.status).toBe(415);
    expect(await harness.queue.count()).toBe(0);
  });

  it('rejects an empty body declared as JSON with 400 invalid-json, not 415', async () => {
    harness = await new ApiHarness().start();
    // `curl -X POST -H 'content-type: application/json'` sends no Content-Length at all.
    const noLength = await postWithoutBody(`${harness.api.url}/v1/jobs`, 'application/json');
    expect(noLength.status).toBe(400);
    expect(JSON.parse(noLength.body).error).toMatchObject({
      code: 'invalid-json',
      message: expect.stringContaining('empty'),
    });
    // fetch sends Content-Length: 0.
    const zero = await harness.request('POST', '/v1/jobs', '', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(zero.status).toBe(400);
    expect((zero.body as unknown as ErrorBody).error.code).toBe('invalid-json');
    expect(await harness.queue.count()).toBe(0);
  });

  it('the same idempotencyKey returns the same job instead of a new one', async () => {
    harness = await new ApiHarness().start();
    const first = await harness.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'a',
      idempotencyKey: 'order-17',
    });
    const again = await harness.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'a',
      idempotencyKey: 'order-17',
    });
    const other = await harness.request<Accepted>('POST', '/v1/jobs', {
      prompt: 'a',
      idempotencyKey: 'order-18',
    });
    expect([first.status, again.status, other.status]).toEqual([202, 202, 202]);
    expect(again.body.id).toBe(first.body.id);
    expect(other.body.id).not.toBe(first.body.id);
    expect(await harness.queue.count()).toBe(2);
  });

  it('the same idempotencyKey with different content is a 409 naming the key, nothing enqueued', async () => {
    harness = await new ApiHarness().start();
    const first = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'a', idempotencyKey: 'k' });
    const changed = await harness.request('POST', '/v1/jobs', { prompt: 'b', idempotencyKey: 'k' });
    expect(changed.status).toBe(409);
    expect(fieldsOf(changed.body)).toEqual(['idempotencyKey']);
    expect((changed.body as unknown as ErrorBody).error.message).toContain(
      `already names job ${first.body.id}`,
    );
    // Key order does not make equal jobs differ.
    const reordered = await harness.request<Accepted>('POST', '/v1/jobs', {
      idempotencyKey: 'k',
      prompt: 'a',
    });
    expect(reordered.body.id).toBe(first.body.id);

    const bulk = await harness.request('POST', '/v1/jobs/bulk', {
      jobs: [{ prompt: 'new' }, { prompt: 'c', idempotencyKey: 'k' }],
    });
    expect(bulk.status).toBe(409);
    expect(fieldsOf(bulk.body)).toEqual(['jobs.1.idempotencyKey']);
    expect(await harness.queue.count()).toBe(1);
  });

  it('a job with delayMs is delayed (not deferred) with nextAttemptAt', async () => {
    harness = await new ApiHarness().start();
    const before = Date.now();
    const created = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'later', delayMs: 60_000 });
    expect(created.body.state).toBe('delayed');
    const job = await harness.request('GET', `/v1/jobs/${created.body.id}`);
    expect(job.body.state).toBe('delayed');
    const next = Date.parse(job.body.nextAttemptAt as string);
    expect(next).toBeGreaterThanOrEqual(before + 60_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 60_000);
  });
});

describe('POST /v1/jobs/bulk', () => {
  it('enqueues every job and answers each id and state', async () => {
    harness = await new ApiHarness().start();
    const jobs = [{ prompt: 'one' }, { prompt: 'two', route: 'solo' }, { prompt: 'three', delayMs: 50_000 }];
    const response = await harness.request<{ jobs: Accepted[] }>('POST', '/v1/jobs/bulk', { jobs });
    expect(response.status).toBe(202);
    expect(response.body.jobs.map((job) => job.state)).toEqual(['waiting', 'waiting', 'delayed']);
    expect(new Set(response.body.jobs.map((job) => job.id)).size).toBe(3);
    expect(await harness.queue.count()).toBe(3);
  });

  it('reports invalid items by index and enqueues nothing of the batch', async () => {
    harness = await new ApiHarness().start();
    const jobs = [{ prompt: 'ok' }, { prompt: '' }, { prompt: 'ok' }, { prompt: 'x', route: 'nowhere' }];
    const response = await harness.request('POST', '/v1/jobs/bulk', { jobs });
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toEqual(['jobs.1.prompt', 'jobs.3.route']);
    expect(await harness.queue.count()).toBe(0);
  });

  it('refuses two jobs of one batch with the same idempotencyKey', async () => {
    harness = await new ApiHarness().start();
    const jobs = [
      { prompt: 'a', idempotencyKey: 'd' },
      { prompt: 'b' },
      { prompt: 'b', idempotencyKey: 'd' },
    ];
    const response = await harness.request('POST', '/v1/jobs/bulk', { jobs });
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toEqual(['jobs.2.idempotencyKey']);
    expect(await harness.queue.count()).toBe(0);
  });

  it('refuses an empty batch, more than 1,000 jobs, and a body without jobs', async () => {
    harness = await new ApiHarness().start();
    const tooMany = Array.from({ length: 1_001 }, (_, i) => ({ prompt: `job ${i}` }));
    for (const body of [{ jobs: [] }, { jobs: tooMany }, { prompts: ['a'] }]) {
      const response = await harness.request('POST', '/v1/jobs/bulk', body);
      expect(response.status).toBe(400);
      expect(fieldsOf(response.body)).toContain('jobs');
    }
    const full = await harness.request<{ jobs: Accepted[] }>('POST', '/v1/jobs/bulk', {
      jobs: tooMany.slice(0, 1_000),
    });
    expect(full.status).toBe(202);
    expect(await harness.queue.count()).toBe(1_000);
  });
});

describe('GET and DELETE /v1/jobs/:id', () => {
  it("404s an unknown id on GET and DELETE, including names of the queue's own keys", async () => {
    harness = await new ApiHarness().start();
    await harness.request('POST', '/v1/jobs', { prompt: 'makes the queue keys exist' });
    for (const method of ['GET', 'DELETE']) {
      for (const id of ['no-such-job', '999999', 'events', 'meta', 'wait', 'id']) {
        const response = await harness.request(method, `/v1/jobs/${id}`);
        expect(response.status, `${method} ${id}`).toBe(404);
        expect((response.body as unknown as ErrorBody).error.code).toBe('not-found');
      }
    }
    expect(await harness.queue.count()).toBe(1);
  });

  it('cancels a waiting or delayed job; the job is gone', async () => {
    harness = await new ApiHarness().start();
    const waiting = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'a' });
    const delayed = await harness.request<Accepted>('POST', '/v1/jobs', { prompt: 'b', delayMs: 60_000 });
    for (const { id } of [waiting.body, delayed.body]) {
      const cancelled = await harness.request('DELETE', `/v1/jobs/${id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual({ id, cancelled: true });
      expect((await harness.request('GET', `/v1/jobs/${id}`)).status).toBe(404);
    }
    expect(await harness.queue.count()).toBe(0);
  });
});

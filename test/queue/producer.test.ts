import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { IdempotencyConflictError } from '../../src/queue/idempotency.js';
import type { JobData } from '../../src/queue/job-input.js';
import { JobValidationError } from '../../src/queue/job-validation-error.js';
import { enqueueJob, enqueueJobs } from '../../src/queue/producer.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { redisUrl } from '../support/worker-harness.js';

const config = loadConfig({ env: {}, cwd: '/nonexistent' }).config;
const queue = new Queue<JobData, unknown>(`test-${randomUUID()}`, {
  connection: connectionOptions(redisUrl),
});
afterAll(async () => {
  await removeQueue(queue);
});

async function problems(input: unknown): Promise<string[]> {
  try {
    await enqueueJob(queue, config, input);
  } catch (error) {
    if (JobValidationError.is(error))
      return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('enqueueing jobs', () => {
  it('stores the validated job with attempts, backoff, priority and delay from the config', async () => {
    const job = await enqueueJob(queue, config, {
      prompt: 'hi',
      priority: 3,
      delayMs: 60_000,
      metadata: { ticket: 7 },
    });
    expect(job.data).toEqual({
      prompt: 'hi',
      priority: 3,
      delayMs: 60_000,
      metadata: { ticket: 7 },
      onAllOpen: 'defer',
      // Stamped: the worker trusts a job validated with the current schema instead of parsing it again.
      schemaVersion: 1,
    });
    expect(job.opts).toMatchObject({
      attempts: 5,
      backoff: { type: 'breakwater', delay: 1000 },
      priority: 3,
      delay: 60_000,
    });
    expect(await job.getState()).toBe('delayed');
  });

  it('the same idempotency key gives the same job, not a new one; other content under it is refused', async () => {
    const first = await enqueueJob(queue, config, { prompt: 'once', idempotencyKey: 'order-17' });
    const second = await enqueueJob(queue, config, { prompt: 'once', idempotencyKey: 'order-17' });
    expect(second.id).toBe(first.id);
    const conflict = await enqueueJob(queue, config, {
      prompt: 'once again',
      idempotencyKey: 'order-17',
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(IdempotencyConflictError.is(conflict)).toBe(true);
    expect((await queue.getJob(first.id!))?.data.prompt).toBe('once');
  });

  it('refuses bad jobs naming the field, and writes nothing', async () => {
    const before = await queue.count();
    expect(await problems({ prompt: 'x', messages: [{ role: 'user', content: 'y' }] })).toEqual([
      'messages: give exactly one of messages or prompt',
    ]);
    expect(await problems({})).toEqual(['messages: give exactly one of messages or prompt']);
    expect(await problems({ prompt: 'x', route: 'nowhere' })).toEqual([
      'route: unknown route "nowhere" (known: default, embed)',
    ]);
    expect(await problems({ prompt: 'x', chain: [{ provider: 'ghost', model: 'm' }] })).toEqual([
      'chain.0.provider: unknown provider "ghost" (known: sim-openai, sim-anthropic, sim-google)',
    ]);
    expect(await problems({ messages: [{ role: 'robot', content: 'x' }] })).toEqual([
      'messages.0.role: must be system, user or assistant',
    ]);
    expect(await problems({ prompt: 'x', temperature: 3, deadline: 'tomorrow', colour: 'blue' })).toEqual([
      'temperature: must be between 0 and 2',
      'deadline: must be an ISO 8601 date-time, e.g. 2026-11-22T12:00:00Z',
      'colour: unknown field',
    ]);
    expect(await queue.count()).toBe(before);
  });

  it('a bulk with one bad item enqueues nothing and names the item by index', async () => {
    const before = await queue.count();
    await expect(
      enqueueJobs(queue, config, [{ prompt: 'a' }, { prompt: '' }, { prompt: 'c' }]),
    ).rejects.toMatchObject({
      problems: [{ path: '1.prompt', message: 'must not be empty' }],
    });
    expect(await queue.count()).toBe(before);
    const jobs = await enqueueJobs(queue, config, [{ prompt: 'a' }, { prompt: 'b' }]);
    expect(jobs).toHaveLength(2);
    expect(await queue.count()).toBe(before + 2);
  });
});

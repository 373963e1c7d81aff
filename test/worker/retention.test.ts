import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

const harnesses: WorkerHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.stop();
});

async function start(queue: Record<string, unknown>) {
  const harness = await new WorkerHarness({
    config: (base) => ({
      ...base,
      queue: { ...(base.queue as object), concurrency: 1, attempts: 1, ...queue },
    }),
  }).start();
  harnesses.push(harness);
  return harness;
}

async function finish(harness: WorkerHarness, input: Record<string, unknown>): Promise<string> {
  const job = await harness.add(input);
  await expect.poll(async () => ['completed', 'failed'].includes(await job.getState())).toBe(true);
  return String(job.id);
}

describe('retention (queue.keepCompleted, queue.keepFailed)', () => {
  it('keeps only the newest `count` finished jobs', async () => {
    const harness = await start({ keepCompleted: { count: 2 }, keepFailed: { count: 1 } });
    harness.simulator.configure('tertiary', { rejectPattern: 'reject' });
    const completed: string[] = [];
    for (let index = 0; index < 4; index++) completed.push(await finish(harness, { prompt: `ok ${index}` }));
    const failed: string[] = [];
    for (let index = 0; index < 3; index++) {
      failed.push(await finish(harness, { prompt: `reject ${index}`, route: 'solo' }));
    }
    expect((await harness.queue.getCompleted()).map((job) => job.id).sort()).toEqual(
      completed.slice(-2).sort(),
    );
    expect((await harness.queue.getFailed()).map((job) => job.id)).toEqual(failed.slice(-1));
  });

  it('removes a job finished longer ago than `ageSeconds` (when a later job finishes)', async () => {
    const harness = await start({ keepCompleted: { ageSeconds: 1 } });
    const first = await finish(harness, { prompt: 'ok first' });
    expect(await harness.queue.getJob(first)).toBeDefined();
    await delay(2_100);
    const second = await finish(harness, { prompt: 'ok second' });
    await expect.poll(async () => (await harness.queue.getJob(first)) ?? 'removed').toBe('removed');
    expect(await harness.queue.getJob(second)).toBeDefined();
  });

  it('defaults to 7 days of completed and 30 days of failed jobs', async () => {
    const harness = await start({});
    const job = await harness.add({ prompt: 'ok' });
    expect(job.opts.removeOnComplete).toEqual({ age: 7 * 24 * 3600 });
    expect(job.opts.removeOnFail).toEqual({ age: 30 * 24 * 3600 });
  });
});

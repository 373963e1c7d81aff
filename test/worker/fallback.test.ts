import { afterEach, describe, expect, it } from 'vitest';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

async function completed(h: WorkerHarness, ids: string[], timeout = 15_000) {
  await expect
    .poll(async () => (await h.states(ids)).every((state) => state === 'completed'), {
      timeout,
      interval: 50,
    })
    .toBe(true);
  return Promise.all(ids.map(async (id) => (await h.job(id)).returnvalue));
}

describe('walking the fallback chain', () => {
  it('primary down: jobs complete on the secondary, and the primary gets only the volume threshold plus probes', async () => {
    harness = await new WorkerHarness({
      config: (base) => ({ ...base, queue: { ...(base.queue as object), concurrency: 1 } }),
    }).start();
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    const started = Date.now();
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => harness.add({ prompt: `summarise item ${i}` })),
    );
    const results = await completed(
      harness,
      jobs.map((job) => job.id!),
    );
    const elapsed = Date.now() - started;

    expect(results.every((result) => result.provider === 'secondary' && result.fallbackUsed)).toBe(true);
    expect(
      results.every(
        (result) =>
          result.model === 'claude-haiku-4-5' && 'text' in result && result.text.includes('summarise item'),
      ),
    ).toBe(true);
    const resetPeriods = Math.floor(elapsed / 600);
    const primaryCalls = harness.simulator.stats('primary').calls;
    // volumeThreshold (2) opens the breaker; after that only one probe per reset period.
    expect(primaryCalls).toBeGreaterThanOrEqual(2);
    expect(primaryCalls).toBeLessThanOrEqual(2 + resetPeriods);
    const skipped = results.filter((result) => result.attempts[0]?.outcome === 'skipped-open');
    expect(skipped.length).toBeGreaterThanOrEqual(20 - primaryCalls);
    expect(skipped[0]?.attempts[0]?.error).toMatch(/breaker open/);
  });

  it('a healthy chain completes on the first entry with usage, cost and the attempt recorded', async () => {
    harness = await new WorkerHarness().start();
    const job = await harness.add({
      messages: [{ role: 'user', content: 'classify this ticket' }],
      maxTokens: 200,
    });
    const [result] = await completed(harness, [job.id!]);
    expect(result).toMatchObject({
      provider: 'primary',
      model: 'gpt-4.1-mini',
      fallbackUsed: false,
      finishReason: 'stop',
    });
    expect(result?.usage.inputTokens).toBeGreaterThan(0);
    expect(result?.costUsd).toBeCloseTo(
      ((result?.usage.inputTokens ?? 0) * 0.4 + (result?.usage.outputTokens ?? 0) * 1.6) / 1e6,
      12,
    );
    expect(result?.attempts).toEqual([expect.objectContaining({ provider: 'primary', outcome: 'ok' })]);
    expect(harness.simulator.stats('primary').recent[0]?.headers['x-breakwater-job-id']).toBe(job.id);
  });

  it('401 on the primary: falls back, and the provider is logged as misconfigured', async () => {
    harness = await new WorkerHarness().start();
    harness.simulator.configure('primary', { mode: { kind: 'unauthorized' } });
    const job = await harness.add({ prompt: 'hello' });
    const [result] = await completed(harness, [job.id!]);
    expect(result?.provider).toBe('secondary');
    expect(result?.attempts[0]).toMatchObject({
      provider: 'primary',
      outcome: 'auth',
      status: 401,
      errorClass: 'unauthorized',
    });
    const misconfigured = harness.logLines.find((line) => String(line.msg).includes('misconfigured'));
    expect(misconfigured).toMatchObject({ level: 50, provider: 'primary', jobId: job.id, status: 401 });
  });

  it('a hanging provider is aborted at timeoutMs and the fallback serves the job', async () => {
    harness = await new WorkerHarness({
      config: (base) => ({
        ...base,
        routes: {
          default: [
            { provider: 'primary', model: 'm', timeoutMs: 300 },
            { provider: 'secondary', model: 'm' },
          ],
        },
      }),
    }).start();
    harness.simulator.configure('primary', { mode: { kind: 'hang' } });
    const job = await harness.add({ prompt: 'hello' });
    const [result] = await completed(harness, [job.id!]);
    expect(result?.provider).toBe('secondary');
    expect(result?.attempts[0]).toMatchObject({
      provider: 'primary',
      outcome: 'retryable',
      errorClass: 'timeout',
    });
    // Never short of the timeout on the clock that measures the attempt.
    expect(result?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(300);
    expect(result?.attempts[0]?.durationMs).toBeLessThan(1_500);
    await expect.poll(() => harness.simulator.stats('primary').outcomes.aborted).toBe(1);
  });

  it('a request every provider rejects fails at once with each reason; breakers stay closed; other jobs unaffected', async () => {
    harness = await new WorkerHarness().start();
    harness.simulator.configure('primary', { rejectPattern: 'forbidden' });
    harness.simulator.configure('secondary', { rejectPattern: 'forbidden' });
    const bad = await Promise.all([1, 2, 3].map(() => harness.add({ prompt: 'a forbidden request' })));
    const good = await Promise.all([1, 2, 3].map((i) => harness.add({ prompt: `fine request ${i}` })));
    await expect
      .poll(async () => harness.states(bad.map((job) => job.id!)), { timeout: 10_000 })
      .toEqual(['failed', 'failed', 'failed']);
    const failed = await harness.job(bad[0]!.id!);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toContain('every provider rejected the request');
    expect(failed.failedReason).toContain(
      'primary/gpt-4.1-mini: rejected (Your request was rejected as a result of our safety system.)',
    );
    expect(failed.failedReason).toContain(
      'secondary/claude-haiku-4-5: rejected (Output blocked by content filtering policy)',
    );
    const results = await completed(
      harness,
      good.map((job) => job.id!),
    );
    expect(results.every((result) => result.provider === 'primary')).toBe(true);
    expect(harness.circuits.get('primary').availability().kind).toBe('closed');
    expect(harness.circuits.get('secondary').availability().kind).toBe('closed');
  });

  it('invalid job data is failed for good, naming the field', async () => {
    harness = await new WorkerHarness().start();
    const job = await harness.queue.add('completion', { prompt: '', route: 'nowhere' } as never);
    await expect.poll(async () => (await harness.job(job.id!)).getState(), { timeout: 5_000 }).toBe('failed');
    expect((await harness.job(job.id!)).failedReason).toMatch(/^invalid job: prompt: must not be empty/);
  });
});

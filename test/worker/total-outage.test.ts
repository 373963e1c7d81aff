import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJobs } from '../../src/queue/producer.js';
import { waitForCount } from '../support/progress.js';
import { commandCount, DedicatedRedis } from '../support/redis-server.js';
import { WorkerHarness } from '../support/worker-harness.js';

const resetMs = 1_000;
// Large enough that per-job work would dwarf the per-worker bound (2,000 runs against 40); the drain
// after healing is what costs time, so no larger.
const backlog = 2_000;
const redis = new DedicatedRedis();
let harness: WorkerHarness;

beforeAll(async () => {
  await redis.start();
});
afterAll(async () => {
  await harness?.stop();
  await redis.stop();
});

describe('total outage with a large backlog', () => {
  it(`keeps ${backlog} waiting jobs still: Redis work per reset period is bounded by workers, not jobs`, async () => {
    harness = await new WorkerHarness({
      url: redis.url,
      deferralJitterMs: 100,
      config: (base) => {
        const providers = base.providers as Record<string, Record<string, unknown>>;
        const fast = {
          volumeThreshold: 2,
          errorThresholdPercentage: 50,
          rollingWindowMs: 10_000,
          resetTimeoutMs: resetMs,
        };
        return {
          ...base,
          providers: Object.fromEntries(
            Object.entries(providers).map(([name, provider]) => [name, { ...provider, breaker: fast }]),
          ),
        };
      },
    }).start();
    for (const name of ['primary', 'secondary', 'tertiary'])
      harness.simulator.configure(name, { mode: { kind: 'down', status: 503 } });
    let processed = 0;
    harness.breakwater!.worker.on('active', () => {
      processed += 1;
    });

    for (let i = 0; i < backlog; i += 1_000) {
      const chunk = Array.from({ length: 1_000 }, (_, j) => ({
        prompt: `backlog ${i + j}`,
        route: (i + j) % 5 === 0 ? 'solo' : 'default',
      }));
      await enqueueJobs(harness.queue, harness.config, chunk);
    }
    await expect
      .poll(() => harness.circuits.everyProviderOpenUntil() !== undefined, { timeout: 10_000 })
      .toBe(true);
    // Let the first deferrals and the queue-wide pause land, then count one full reset period.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = redis.client();
    await client.config('RESETSTAT');
    const processedBefore = processed;
    const callsBefore = ['primary', 'secondary', 'tertiary'].map(
      (name) => harness.simulator.stats(name).calls,
    );
    const windowStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, resetMs * 2));
    const { total, byCommand } = await commandCount(client);
    // The window as it really lasted: a loaded machine fires the timer late, and the counts grow with it.
    const periods = Math.max(2, (Date.now() - windowStart) / resetMs);
    const perPeriod = total / periods;
    const runs = processed - processedBefore;
    const invocationsPerPeriod = runs / periods;
    const calls = ['primary', 'secondary', 'tertiary'].map(
      (name, i) => harness.simulator.stats(name).calls - callsBefore[i]!,
    );
    const waiting = await harness.queue.getWaitingCount();
    console.log(
      `total outage, ${backlog} jobs, 1 worker × concurrency ${harness.config.queue.concurrency}: ` +
        `${perPeriod} Redis commands and ${invocationsPerPeriod} processor runs per ${resetMs} ms reset period; ` +
        `provider calls in ${periods} periods ${JSON.stringify(calls)}; still waiting ${waiting}; top commands ${JSON.stringify(
          Object.entries(byCommand)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 6),
        )}`,
    );
    // Spinning would be at least one fetch and one deferral per job per period: 2,000 runs and well over
    // 40,000 commands. Bounded instead: each provider's half-open wake lets at most one worker's
    // concurrency of jobs through: runs ≤ concurrency × providers per period begun, plus one concurrency
    // for a wake that straddles the window's edge.
    const providers = Object.keys(harness.config.providers).length;
    const { concurrency } = harness.config.queue;
    expect(runs).toBeLessThanOrEqual(concurrency * providers * Math.ceil(periods) + concurrency);
    expect(perPeriod).toBeLessThan(4_000);
    expect(waiting).toBeGreaterThan(backlog - 200);
    // Probes only: at most one per provider per reset period (plus one at the window's edge).
    for (const count of calls) expect(count).toBeLessThanOrEqual(periods + 1);
    expect(await harness.queue.getFailedCount()).toBe(0);

    for (const name of ['primary', 'secondary', 'tertiary'])
      harness.simulator.configure(name, { mode: { kind: 'healthy' } });
    // Bounded by progress: the completions take what the machine needs, a stall fails.
    await waitForCount(() => harness.queue.getCompletedCount(), backlog, {
      stallMs: 20_000,
      intervalMs: 250,
    });
    expect(await harness.queue.getFailedCount()).toBe(0);
  }, 300_000);
});

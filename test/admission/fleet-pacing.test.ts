import { afterEach, describe, expect, it } from 'vitest';
import { FleetHarness } from '../support/fleet-harness.js';

let fleet: FleetHarness | undefined;
afterEach(async () => {
  await fleet?.stop();
  fleet = undefined;
});

const rpm = 3_000;
const jobsPerRoute = 1_500;

interface Pacing {
  calls: number;
  ok: number;
  tooMany: number;
  /** Answered calls per minute, first call to last. */
  perMinute: number;
}

function pacingOf(stats: { calls: number; outcomes: Record<string, number>; times: number[] }): Pacing {
  const first = Math.min(...stats.times);
  const last = Math.max(...stats.times);
  const ok = stats.outcomes.ok ?? 0;
  return {
    calls: stats.calls,
    ok,
    tooMany: stats.outcomes['429'] ?? 0,
    perMinute: (ok / (last - first)) * 60_000,
  };
}

describe('fleet-wide pacing across worker processes', () => {
  it(`3 processes, ${jobsPerRoute} jobs per provider at ${rpm} rpm: configured limits and limits learned from headers`, {
    timeout: 180_000,
  }, async () => {
    // Two simulated OpenAI providers enforce 3,000 rpm and report it in their headers. `primary`
    // has the limit configured; `learned` has none and paces from what the headers say.
    fleet = await new FleetHarness({
      concurrency: 20,
      document: (document) => {
        const providers = document.providers as Record<string, Record<string, unknown>>;
        return {
          ...document,
          providers: {
            primary: { ...providers.primary, limits: { rpm } },
            learned: { ...providers.primary },
          },
          routes: {
            default: [{ provider: 'primary', model: 'gpt-4.1-mini' }],
            learned: [{ provider: 'learned', model: 'gpt-4.1-mini' }],
          },
        };
      },
    }).start();
    const h = fleet;
    h.simulator.configure('primary', { limits: { rpm } });
    h.simulator.configure('learned', { limits: { rpm } });
    const workers = await Promise.all([h.startWorker(), h.startWorker(), h.startWorker()]);
    await Promise.all([
      h.add(jobsPerRoute, 'configured'),
      h.add(jobsPerRoute, 'learned', { route: 'learned' }),
    ]);

    await expect
      .poll(async () => (await h.counts()).completed, { timeout: 120_000, interval: 500 })
      .toBe(2 * jobsPerRoute);
    const counts = await h.counts();
    expect(counts.failed).toBe(0);

    const configured = pacingOf(h.simulator.stats('primary'));
    const learned = pacingOf(h.simulator.stats('learned'));
    console.info(
      `pacing at ${rpm} rpm: configured ${JSON.stringify(configured)}; learned ${JSON.stringify(learned)}`,
    );
    expect(configured.ok).toBe(jobsPerRoute);
    expect(learned.ok).toBe(jobsPerRoute);
    // Near the limit, never far over it: the provider's own bucket refused at most 1 % (5 % learned).
    // (0.94–0.98× the limit over the suite's runs, 0.9× with a second suite and a benchmark beside
    // it: 0.8× leaves room for a loaded machine and still fails a pacer leaving a fifth unused.)
    expect(configured.perMinute).toBeGreaterThanOrEqual(0.8 * rpm);
    expect(configured.tooMany).toBeLessThanOrEqual(0.01 * configured.calls);
    expect(learned.tooMany).toBeLessThanOrEqual(0.05 * learned.calls);
    // A limit is not an outage: no breaker opened anywhere.
    for (const worker of workers) {
      expect(h.logs(worker).filter((line) => line.state === 'open')).toEqual([]);
    }
    // Waiting spent no attempt: every job completed on its first.
    const completed = await h.queue.getJobs(['completed'], 0, -1);
    expect(completed.filter((job) => job.attemptsMade !== 1)).toEqual([]);
  });
});

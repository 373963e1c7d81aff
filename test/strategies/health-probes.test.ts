import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../src/simulator/call-log.js';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

const isProbe = (call: RecordedCall) =>
  JSON.stringify((call.body as { messages?: unknown }).messages ?? '').includes('"ping"') &&
  call.headers['x-breakwater-job-id'] === undefined;

/** `primary` alone on the default route, probed by a synthetic request; two worker processes' worth. */
function probed(successThreshold: number) {
  return (base: Record<string, unknown>) => {
    const providers = base.providers as Record<string, Record<string, unknown>>;
    const primary = providers.primary ?? {};
    return {
      ...base,
      providers: {
        ...providers,
        primary: {
          ...primary,
          probe: { model: 'gpt-4.1-mini' },
          breaker: { ...(primary.breaker as object), successThreshold },
        },
      },
      routes: { ...(base.routes as object), default: [{ provider: 'primary', model: 'gpt-4.1-mini' }] },
    };
  };
}

describe('active health probes', () => {
  it('an outage of three reset periods: only synthetic probes reach the dead provider, one per period fleet-wide; three successes close it', async () => {
    harness = await new WorkerHarness({ config: probed(3) }).start();
    await harness.startWorker();
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => harness.add({ prompt: `job ${i}` })));
    await expect
      .poll(() => harness.circuits.get('primary').availability().kind, { timeout: 10_000, interval: 20 })
      .toBe('open');
    // Calls sent before the breaker opened, or before the second worker heard of it, can still
    // arrive. Idle, the last arrives 0–2 ms after this poll (every 20 ms) sees the open; a soak run
    // once had two arrive over 100 ms after. So the outage is watched from 1 s after the open (some
    // 45 times the idle figure, the poll's 20 ms included), for three reset periods of 600 ms; the
    // probe count allowed follows the time that really passed.
    const watchedFrom = Date.now() + 1_000;
    await new Promise((resolve) => setTimeout(resolve, 1_000 + 1_800));
    const during = harness.simulator.stats('primary').recent.filter((call) => call.at >= watchedFrom);
    const periods = Math.ceil((Date.now() - watchedFrom) / 600);
    console.info(`health probes during the outage: ${during.filter(isProbe).length} in ${periods} periods`);
    expect(during.filter((call) => !isProbe(call))).toEqual([]);
    expect(during.filter(isProbe).length).toBeGreaterThanOrEqual(1);
    expect(during.filter(isProbe).length).toBeLessThanOrEqual(periods + 1);

    const healed = Date.now();
    harness.simulator.configure('primary', { mode: { kind: 'healthy' } });
    await expect
      .poll(async () => (await harness.states(jobs.map((job) => job.id!))).every((s) => s === 'completed'), {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(true);
    const after = harness.simulator.stats('primary').recent.filter((call) => call.at >= healed);
    const firstJobCall = after.findIndex((call) => !isProbe(call));
    // The breaker closed after the third successful probe in a row, and only then did jobs go.
    expect(firstJobCall).toBeGreaterThanOrEqual(3);
    expect(
      after.slice(firstJobCall - 3, firstJobCall).every((call) => isProbe(call) && call.outcome === 'ok'),
    ).toBe(true);
  });

  it('with intervalMs, an idle closed provider is probed at most once per interval fleet-wide', async () => {
    harness = await new WorkerHarness({
      config: (base) => {
        const configured = probed(1)(base);
        const providers = configured.providers as Record<string, Record<string, unknown>>;
        return {
          ...configured,
          providers: {
            ...providers,
            primary: { ...providers.primary, probe: { model: 'gpt-4.1-mini', intervalMs: 500 } },
          },
        };
      },
    }).start();
    await harness.startWorker();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const probes = harness.simulator.stats('primary').recent.filter(isProbe);
    const intervals = Math.ceil((Date.now() - started) / 500);
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes.length).toBeLessThanOrEqual(intervals + 1);
  });
});

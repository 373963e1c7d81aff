import { afterEach, describe, expect, it } from 'vitest';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { WorkerHarness } from '../support/worker-harness.js';

let harness: WorkerHarness;
afterEach(() => harness.stop());

const withQuorum = (quorum: number) => (base: Record<string, unknown>) => {
  const providers = base.providers as Record<string, Record<string, unknown>>;
  const breaker = { ...(providers.primary?.breaker as object), quorum };
  return { ...base, providers: { ...providers, primary: { ...providers.primary, breaker } } };
};

/** The same config, but this worker reaches the primary at an address where nothing listens. */
function badlyConnected(config: BreakwaterConfig): BreakwaterConfig {
  const primary = config.providers.primary;
  if (!primary) throw new Error('no primary');
  return {
    ...config,
    providers: { ...config.providers, primary: { ...primary, baseURL: 'http://127.0.0.1:9' } },
  };
}

/** Two workers on one queue; the second cannot reach the primary. Returns both runtimes. */
async function twoWorkers(quorum: number) {
  harness = await new WorkerHarness({ config: withQuorum(quorum) }).start(false);
  const healthy = await harness.startWorker();
  await healthy.breakwater.worker.pause(true);
  const broken = await harness.startWorker(badlyConnected(harness.config));
  // Only the badly connected worker takes these jobs: they fall back to the secondary.
  const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => harness.add({ prompt: `job ${i}` })));
  await expect
    .poll(
      async () => (await harness.states(jobs.map((job) => job.id!))).every((state) => state === 'completed'),
      {
        timeout: 10_000,
      },
    )
    .toBe(true);
  await healthy.breakwater.worker.resume();
  return { healthy, broken };
}

describe('quorum', () => {
  it('with quorum 2, one badly connected worker does not shut the provider for the fleet', async () => {
    const { healthy, broken } = await twoWorkers(2);
    expect(broken.circuits.get('primary').availability().kind).toBe('open');
    expect(healthy.circuits.get('primary').availability().kind).toBe('closed');
    await broken.close();
    const job = await harness.add({ prompt: 'served by the primary' });
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 10_000 })
      .toBe('completed');
    const { returnvalue } = await harness.job(job.id!);
    expect(returnvalue?.provider).toBe('primary');
  });

  it('with quorum 1 (the default), the same failures open it everywhere', async () => {
    const { healthy } = await twoWorkers(1);
    await expect
      .poll(() => healthy.circuits.get('primary').availability().kind, { timeout: 5_000 })
      .toBe('open');
  });
});

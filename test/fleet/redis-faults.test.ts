import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetCircuit } from '../../src/fleet/fleet-circuit.js';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { createLogger } from '../../src/logging/logger.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { failFastConnectionOptions } from '../../src/redis/connection.js';
import { ProviderCircuit } from '../../src/resilience/provider-circuit.js';
import { freePort } from '../support/redis-server.js';
import { redisUrl, WorkerHarness } from '../support/worker-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the fleet when Redis is unreachable', () => {
  it('each process falls back to its local breaker', async () => {
    const redis = new Redis({
      ...failFastConnectionOptions(`redis://127.0.0.1:${await freePort()}`),
      lazyConnect: true,
    });
    redis.on('error', () => undefined);
    cleanups.push(() => redis.disconnect());
    const breaker = {
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      rollingWindowMs: 10_000,
      resetTimeoutMs: 60_000,
      quorum: 1,
    };
    const circuit = new FleetCircuit({
      local: new ProviderCircuit({ provider: 'primary', breaker }),
      store: new FleetStore({ redis, keyPrefix: 'bull:nowhere', worker: 'w' }),
      quorum: 1,
      windowMs: 10_000,
      resetTimeoutMs: 60_000,
      volumeThreshold: 2,
      errorThresholdPercentage: 50,
      probeLeaseMs: 1_000,
      logger: createLogger({ level: 'silent' }),
    });
    cleanups.push(() => circuit.shutdown());
    const down = () =>
      Promise.reject(
        new ProviderError({
          provider: 'primary',
          model: 'm',
          verdict: 'retryable',
          code: 'overloaded',
          status: 503,
          message: '503',
        }),
      );
    for (let i = 0; i < 2; i++) expect((await circuit.call(down)).kind).toBe('error');
    expect(circuit.availability()).toMatchObject({ kind: 'open', reason: 'breaker open: overloaded 503' });
    expect((await circuit.admit()).kind).toBe('open');
  });

  it('after its subscription drops, a process reads the state it missed', async () => {
    const harness = await new WorkerHarness().start();
    cleanups.push(() => harness.stop());
    expect(harness.circuits.get('primary').availability().kind).toBe('closed');
    const admin = new Redis(redisUrl);
    cleanups.push(() => admin.disconnect());

    // The subscription drops; the change is made (and broadcast to nobody) before it is back.
    await admin.client('KILL', 'TYPE', 'pubsub');
    await new FleetStore({ redis: admin, keyPrefix: queueKeyOf(harness.queueName), worker: 'ops' }).open(
      'primary',
      {
        until: undefined,
        reason: 'maintenance',
        force: true,
        manual: { by: 'ops', reason: 'maintenance' },
      },
    );
    expect(await admin.pubsub('NUMSUB', `${queueKeyOf(harness.queueName)}:breakwater:fleet-events`)).toEqual([
      `${queueKeyOf(harness.queueName)}:breakwater:fleet-events`,
      0,
    ]);
    await expect
      .poll(() => harness.circuits.get('primary').availability().kind, { timeout: 10_000 })
      .toBe('open');
  });
});

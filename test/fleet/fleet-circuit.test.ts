import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FleetCircuit } from '../../src/fleet/fleet-circuit.js';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { createLogger } from '../../src/logging/logger.js';
import { ProviderCircuit } from '../../src/resilience/provider-circuit.js';
import { redisUrl } from '../support/worker-harness.js';

const prefix = `bull:test-${randomUUID()}`;
const redis = new Redis(redisUrl);
const circuits: FleetCircuit[] = [];
afterEach(async () => {
  for (const circuit of circuits.splice(0)) circuit.shutdown();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
});

function circuit(worker: string, now: () => number): FleetCircuit {
  const breaker = {
    errorThresholdPercentage: 50,
    volumeThreshold: 2,
    rollingWindowMs: 10_000,
    resetTimeoutMs: 1_000,
    quorum: 1,
  };
  const created = new FleetCircuit({
    local: new ProviderCircuit({ provider: 'primary', breaker, now }),
    store: new FleetStore({ redis, keyPrefix: prefix, worker, now }),
    quorum: 1,
    windowMs: 10_000,
    resetTimeoutMs: 1_000,
    volumeThreshold: 2,
    errorThresholdPercentage: 50,
    probeLeaseMs: 5_000,
    logger: createLogger({ level: 'silent' }),
    now,
  });
  circuits.push(created);
  return created;
}

afterAll(() => redis.disconnect());

/** Workers a and b, both told the fleet opened the primary for 1 s, and that second gone by. */
async function twoWorkersPastUntil() {
  let now = Date.now();
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const [a, b] = [circuit('a', clock.now), circuit('b', clock.now)];
  const store = new FleetStore({ redis, keyPrefix: prefix, worker: 'x', now: clock.now });
  await store.open('primary', { until: now + 1_000, reason: 'breaker open: 503', force: true });
  const record = (await store.read()).get('primary')!;
  a.apply(record);
  b.apply(record);
  clock.advance(1_000);
  return { a, b, store, clock };
}

describe('a fleet circuit asking for the probe', () => {
  it('learns from the refusal that the fleet closed meanwhile (a missed broadcast), instead of staying open', async () => {
    let now = Date.now();
    const store = new FleetStore({ redis, keyPrefix: prefix, worker: 'ops', now: () => now });
    const a = circuit('a', () => now);
    a.apply({ state: 'open', since: now, until: now + 1_000, reason: 'breaker open: 503', worker: 'b' });
    await store.close('primary', { manual: { by: 'ops', reason: 'fixed' } });
    now += 1_000;
    expect(a.availability().kind).toBe('half-open');
    expect((await a.admit()).kind).toBe('closed');
  });

  it('while another worker holds the lease, reads open until it ends, so jobs defer instead of failing', async () => {
    const { a, b } = await twoWorkersPastUntil();
    expect((await a.admit()).kind).toBe('half-open');
    const other = await b.admit();
    expect(other).toMatchObject({ kind: 'open', reason: 'another worker is probing primary' });
    expect(b.availability().kind).toBe('open');
  });

  it('once a lease it lost ends with no news (the prober was cut off), takes it: its call is the probe, and closes the fleet', async () => {
    const { a, b, store, clock } = await twoWorkersPastUntil();
    expect((await a.admit()).kind).toBe('half-open');
    expect((await b.admit()).kind).toBe('open');
    // a's probe is cut off: its lease is handed back and the record stays as it was, so b hears nothing.
    await new FleetStore({ redis, keyPrefix: prefix, worker: 'a', now: clock.now }).releaseProbe('primary');
    clock.advance(5_000);
    expect((await b.admit()).kind).toBe('half-open');
    expect(await b.call(async () => 'answered')).toEqual({ kind: 'ok', value: 'answered' });
    expect((await store.read()).get('primary')).toMatchObject({ state: 'closed' });
    expect(b.availability().kind).toBe('closed');
  });
});

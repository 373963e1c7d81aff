import { QueueKeys } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { bullQueueNameOf, delayedKeyOf, queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';

/**
 * Every key a queue's scripts and transactions touch together must hash to one cluster slot, or
 * Redis Cluster refuses the script (CROSSSLOT). The queue's hash tag is what makes that so.
 */
function everyKeyOf(queueName: string): string[] {
  const queueKey = queueKeyOf(queueName);
  const keys = new BreakwaterKeys(queueKey);
  const limit = keys.limit('model:openai/gpt-4.1', 'tokens');
  const breakwater = [
    keys.delayed,
    keys.fleet,
    keys.fleetChannel,
    keys.trips('openai'),
    keys.probe('openai'),
    keys.failures('openai'),
    keys.deferred('openai'),
    keys.wake('openai', 'ramp-1'),
    keys.stats,
    keys.limit('provider:openai', 'requests'),
    limit,
    keys.inflight('tenant:acme'),
    keys.budget('evals', 1_764_000_000_000),
    keys.waitSlot(limit),
    keys.limitWaiting,
    `${keys.rateLimit}:token:abc`,
  ];
  const bullmq = Object.values(new QueueKeys('bull').getKeys(bullQueueNameOf(queueName)));
  // A job's own keys: its hash, lock and logs, under an idempotency-derived or numeric id.
  const job = ['42', 'idem-0a1b2c'].flatMap((id) => [
    `${queueKey}:${id}`,
    `${queueKey}:${id}:lock`,
    `${queueKey}:${id}:logs`,
  ]);
  return [...breakwater, ...bullmq, ...job, delayedKeyOf(queueKey)];
}

describe('cluster slots', () => {
  it.each(['breakwater', 'test-0f3c', 'a_b-C9'])('every key of queue %s hashes to one slot', (name) => {
    const slots = new Set(everyKeyOf(name).map((key) => calculateSlot(key)));
    expect([...slots]).toEqual([calculateSlot(`{${name}}`)]);
  });

  it('the hash tag is the queue name, in single-node mode too: bull:{breakwater}', () => {
    expect(queueKeyOf('breakwater')).toBe('bull:{breakwater}');
    expect(new BreakwaterKeys(queueKeyOf('breakwater')).fleet).toBe('bull:{breakwater}:breakwater:fleet');
  });

  it('two queues get their own slots, so a cluster can spread them over masters', () => {
    const slots = new Set(
      ['breakwater', 'reports', 'evals', 'batch'].map((name) => calculateSlot(queueKeyOf(name))),
    );
    expect(slots.size).toBe(4);
  });
});

import { QueueKeys } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { batchQueueName } from '../../src/batch/batch-board.js';
import { bullQueueNameOf, delayedKeyOf, queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { BreakwaterKeys } from '../../src/redis/breakwater-keys.js';
import { webhookQueueName } from '../../src/webhooks/webhook-queue.js';

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
    keys.idleProbe('openai'),
    keys.cached('0a1b'),
    keys.cacheFlight('0a1b'),
    keys.batchCollect('openai', 'gpt-4.1'),
    keys.batchPending('openai', 'gpt-4.1'),
    keys.batchCollecting,
    keys.batchJob('42'),
    `${keys.batchJobPrefix}42`,
    keys.batch('batch_1'),
    keys.batchItems('batch_1'),
    keys.batchLease('batch_1'),
    keys.batches,
    keys.batchTotals,
    keys.batchesOpen,
    // The webhook deliveries' own BullMQ queue lives under the queue's key.
    ...Object.values(new QueueKeys(keys.webhookPrefix).getKeys(webhookQueueName)),
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

  it("the provider batches' board queue is one slot of its own", () => {
    const keys = Object.values(new QueueKeys('bull').getKeys(batchQueueName('breakwater')));
    expect(new Set(keys.map((key) => calculateSlot(key))).size).toBe(1);
    expect(batchQueueName('breakwater')).toBe('{breakwater-batches}');
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

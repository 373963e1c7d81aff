import { delayedKeyOf } from '../queue/bullmq-internals.js';

/**
 * Every key Breakwater writes beside a queue, built in one place from the queue's key (`bull:{<queue>}`):
 * they live under it, so removing the queue removes them, and one queue's keys never meet another's.
 */
export class BreakwaterKeys {
  readonly #root: string;

  /** @param queueKey the queue's qualified name, e.g. `bull:{breakwater}`: its hash tag puts every key below on the queue's one cluster slot */
  constructor(readonly queueKey: string) {
    this.#root = `${queueKey}:breakwater`;
  }

  /** The queue's own delayed set (BullMQ's): a deferred job is one still in it. */
  get delayed(): string {
    return delayedKeyOf(this.queueKey);
  }

  /** Hash: one breaker record per provider. */
  get fleet(): string {
    return `${this.#root}:fleet`;
  }

  /** Pub/sub channel: every change of a record, as it is made. */
  get fleetChannel(): string {
    return `${this.#root}:fleet-events`;
  }

  /** Set: workers whose breakers tripped on the provider within the window (the quorum). */
  trips(provider: string): string {
    return `${this.#root}:trips:${provider}`;
  }

  /** String: the worker holding the provider's half-open probe lease. */
  probe(provider: string): string {
    return `${this.#root}:probe:${provider}`;
  }

  /** String: held for a health probe's interval by the worker probing an idle provider. */
  idleProbe(provider: string): string {
    return `${this.#root}:idle-probe:${provider}`;
  }

  /** Counter: failed calls to the provider fleet-wide within the window. */
  failures(provider: string): string {
    return `${this.#root}:failures:${provider}`;
  }

  /** Sorted set: jobs deferred with the provider in their chain, by probe time. */
  deferred(provider: string): string {
    return `${this.#root}:deferred:${provider}`;
  }

  /** String: the lease of the one worker waking deferred jobs for a moment (`lease`). */
  wake(provider: string, lease: string): string {
    return `${this.#root}:wake:${provider}:${lease}`;
  }

  /** String: a flow's name and the shape of its tree of steps (JSON), kept as long as its jobs. */
  flow(flowId: string): string {
    return `${this.#root}:flow:${flowId}`;
  }

  /** Pub/sub channel: streamed jobs' partial text (`job.delta`, `job.restart`), never stored. */
  get deltaChannel(): string {
    return `${this.#root}:deltas`;
  }

  /** Hash: the fleet's call, token and cost totals. */
  get stats(): string {
    return `${this.#root}:stats`;
  }

  /**
   * The BullMQ prefix of the queue's webhook deliveries (queue `webhooks`): its keys live under the
   * queue's own, `bull:<queue>:breakwater:webhooks:*`.
   */
  get webhookPrefix(): string {
    return this.#root;
  }

  /** String: a cached answer, by the hash of what decides it (`cacheKey`), with a TTL. */
  cached(hash: string): string {
    return `${this.#root}:cache:${hash}`;
  }

  /** String: the job computing an answer for identical jobs waiting on it (single flight), with a TTL. */
  cacheFlight(hash: string): string {
    return `${this.#root}:cache-flight:${hash}`;
  }

  /**
   * Hash: one bucket of a limit scope (`provider:openai`, `model:openai/gpt-4.1`, `tenant:acme`) and
   * unit: its level, what the provider reported, and a block (a 429, an exhausted quota).
   */
  limit(scope: string, unit: 'requests' | 'tokens'): string {
    return `${this.#root}:limit:${scope}:${unit}`;
  }

  /** Sorted set: calls in flight in a scope, by when their slot is taken back if never released. */
  inflight(scope: string): string {
    return `${this.#root}:inflight:${scope}`;
  }

  /** String: USD spent (and reserved) by a budget in the window starting at `windowStart`. */
  budget(name: string, windowStart: number): string {
    return `${this.#root}:budget:${name}:${windowStart}`;
  }

  /** String: the next free wait slot of a limit, so waiting jobs come back one after another. */
  waitSlot(limitKey: string): string {
    return `${limitKey}:slot`;
  }

  /** Sorted set: jobs waiting for capacity under a limit, by when they run again. */
  get limitWaiting(): string {
    return `${this.#root}:limit-waiting`;
  }

  /** Prefix of the API's rate-limit counters. */
  get rateLimit(): string {
    return `${this.#root}:rate`;
  }

  /** Sorted set: jobs collected for the next batch of a provider and model, by when they joined. */
  batchCollect(provider: string, model: string): string {
    return `${this.#root}:batch:collect:${provider}:${model}`;
  }

  /** Hash: each collected job's request (JSON), by job id. */
  batchPending(provider: string, model: string): string {
    return `${this.#root}:batch:pending:${provider}:${model}`;
  }

  /** Set: `provider\nmodel` pairs that have jobs collecting. */
  get batchCollecting(): string {
    return `${this.#root}:batch:collecting`;
  }

  /** Hash: one job's place in a batch (provider, model, entry index, batch id, outcome). */
  batchJob(jobId: string): string {
    return `${this.#root}:batch:job:${jobId}`;
  }

  /** Prefix of `batchJob`, for scripts that build it from a job id. */
  get batchJobPrefix(): string {
    return `${this.#root}:batch:job:`;
  }

  /** Hash: one batch's record (provider, model, status, provider batch id, counts, cost). */
  batch(batchId: string): string {
    return `${this.#root}:batch:record:${batchId}`;
  }

  /** Hash: a batch's member jobs' requests (JSON), by job id. */
  batchItems(batchId: string): string {
    return `${this.#root}:batch:items:${batchId}`;
  }

  /** String: the lease of the one worker submitting or polling a batch for a moment. */
  batchLease(batchId: string): string {
    return `${this.#root}:batch:lease:${batchId}`;
  }

  /** Sorted set: every batch by creation time (GET /v1/batches). */
  get batches(): string {
    return `${this.#root}:batch:all`;
  }

  /** Hash: fleet totals of batches (jobs batched, batches finished by status, USD spent and saved). */
  get batchTotals(): string {
    return `${this.#root}:batch:totals`;
  }

  /** Set: batches not finished yet (submitting, running, or having their results applied). */
  get batchesOpen(): string {
    return `${this.#root}:batch:open`;
  }
}

import type { BreakwaterConfig, ProviderConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { queueKeyOf } from '../queue/bullmq-internals.js';
import { createRedisClient, type RedisClient } from '../redis/redis-client.js';
import type { ProviderCircuit } from '../resilience/provider-circuit.js';
import type { DeferralWake } from '../worker/processor.js';
import { FleetCircuit } from './fleet-circuit.js';
import { FleetStore } from './fleet-store.js';
import { FleetWaker } from './fleet-waker.js';
import { type Fleet, joinFleet } from './join-fleet.js';
import { workerId } from './worker-id.js';

export interface FleetMemberOptions {
  config: BreakwaterConfig;
  redisUrl: string;
  logger: Logger;
  workerId?: string;
  now?: () => number;
}

/**
 * One worker process's part in the fleet: its circuits share state through Redis, it follows the
 * fleet's broadcasts, and it wakes deferred jobs when a provider recovers.
 */
export class FleetMember {
  readonly store: FleetStore;
  readonly #circuits = new Map<string, FleetCircuit>();
  readonly #options: FleetMemberOptions;
  readonly #redis: RedisClient;
  #fleet: Fleet | undefined;
  #waker: FleetWaker | undefined;

  private constructor(options: FleetMemberOptions, redis: RedisClient) {
    this.#options = options;
    this.#redis = redis;
    this.store = new FleetStore({
      redis,
      keyPrefix: queueKeyOf(options.config.queue.name),
      worker: options.workerId ?? workerId(),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Connects to Redis; if it cannot, the member still works, on local breakers, until it can. */
  static async connect(options: FleetMemberOptions): Promise<FleetMember> {
    // Fleet commands fail fast while Redis is away: the local breakers decide meanwhile.
    const redis = createRedisClient(options.redisUrl, { mode: 'fail-fast', lazyConnect: true });
    redis.on('error', () => undefined);
    await redis
      .connect()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'fleet state unreachable at startup'));
    return new FleetMember(options, redis);
  }

  /** For CircuitRegistry's `wrap`: the fleet-wide circuit around a process-local one. */
  readonly wrap = (local: ProviderCircuit, provider: ProviderConfig): FleetCircuit => {
    const circuit = new FleetCircuit({
      local,
      store: this.store,
      quorum: provider.breaker.quorum,
      windowMs: provider.breaker.rollingWindowMs,
      resetTimeoutMs: provider.breaker.resetTimeoutMs,
      volumeThreshold: provider.breaker.volumeThreshold,
      errorThresholdPercentage: provider.breaker.errorThresholdPercentage,
      probeLeaseMs: longestTimeout(this.#options.config, local.provider) + 1_000,
      logger: this.#options.logger,
      ...(this.#options.now ? { now: this.#options.now } : {}),
      ...(provider.probe ? { healthProbe: true } : {}),
    });
    this.#circuits.set(local.provider, circuit);
    return circuit;
  };

  /**
   * Reads the fleet's state, then follows it; `promote` wakes a deferred job, `closed` hears of every
   * provider that closed fleet-wide.
   */
  async join(
    promote: (jobId: string) => Promise<boolean>,
    closed: (provider: string) => void = () => undefined,
  ): Promise<void> {
    const queue = this.#options.config.queue;
    this.#waker = new FleetWaker({
      store: this.store,
      promote,
      isOpen: (provider) => this.#circuits.get(provider)?.availability().kind === 'open',
      rampIntervalMs: queue.wakeRampIntervalMs,
      rampMaxBatch: Math.max(1, queue.concurrency),
      logger: this.#options.logger,
      ...(this.#options.now ? { now: this.#options.now } : {}),
    });
    const waker = this.#waker;
    this.#fleet = await joinFleet(this.#circuits, this.store, this.#options.logger, (provider, record) => {
      waker.observe(provider, record);
      if (record.state === 'closed') closed(provider);
    });
  }

  /** For the processor: which deferred jobs the fleet will wake, and remembering them. */
  readonly wake: DeferralWake = {
    willWake: (providers) => providers.some((provider) => this.#circuits.get(provider)?.fleetOpen()),
    register: (jobId, providers, probeAt) => this.store.addDeferred(providers, jobId, probeAt),
    forget: (jobId, providers) => this.store.forgetDeferred(providers, jobId),
  };

  /** The fleet circuit of a provider, once wrapped. */
  circuit(provider: string): FleetCircuit | undefined {
    return this.#circuits.get(provider);
  }

  /** The member's Redis connection (fleet state, wake-ups, stats). */
  get redis(): RedisClient {
    return this.#redis;
  }

  leave(): void {
    this.#waker?.close();
    this.#fleet?.leave();
    this.#redis.disconnect();
  }
}

/** The longest a call to the provider may take: its own timeout, or a route entry's longer one. */
function longestTimeout(config: BreakwaterConfig, provider: string): number {
  const entries = Object.values(config.routes).flat();
  const own = config.providers[provider]?.timeoutMs ?? 0;
  return Math.max(
    own,
    ...entries.filter((entry) => entry.provider === provider).map((entry) => entry.timeoutMs ?? 0),
  );
}

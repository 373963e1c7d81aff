import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import { replyOneOf } from '../redis/lua-script.js';
import { type RedisClient, subscriberOf } from '../redis/redis-client.js';
import { checkFleetRecord, type FleetRecord, parseFleetRecord } from './fleet-record.js';
import {
  acquireProbeScript,
  closeScript,
  type FailureInput,
  failureScript,
  openScript,
  releaseProbeScript,
  takeDeferredScript,
} from './fleet-scripts.js';

export type OpenOutcome = 'opened' | 'pending' | 'already' | 'lost';

export interface OpenRequest {
  /** When one probe is admitted; undefined: until closed by hand. */
  until: number | undefined;
  reason: string;
  /** Distinct workers whose breakers must have tripped in the window. @defaultValue 1 */
  quorum?: number;
  /** How long a worker's trip counts towards the quorum. @defaultValue 60000 */
  windowMs?: number;
  /** Skip the quorum and replace any open record (a failed probe, a manual open). */
  force?: boolean;
  /** Only while this worker holds the probe lease (a failed probe). */
  probe?: boolean;
  manual?: { by: string; reason: string };
}

/** One failed call as a worker reports it: the failure script's input, less who and where. */
export type FailureReport = Omit<FailureInput, 'provider' | 'worker' | 'now' | 'channel'>;

export interface ProbeAnswer {
  won: boolean;
  record?: FleetRecord;
  /** While another worker holds the lease: how long it still runs. */
  leaseMs: number;
}

export interface FleetStoreOptions {
  redis: RedisClient;
  /** The queue's key prefix (`bull:{<queue>}`): the fleet's keys live under it. */
  keyPrefix: string;
  /** This process, as it appears in records and leases. */
  worker: string;
  now?: () => number;
  /**
   * The delayed sets of the queue's shards (`queue.shards`), where deferred jobs wait.
   * @defaultValue the first shard's, the one whose hash tag the fleet's keys share
   */
  delayedKeys?: readonly string[];
}

/** The fleet's shared breaker state in Redis: one record per provider, changed atomically, broadcast. */
export class FleetStore {
  readonly worker: string;
  readonly channel: string;
  readonly #redis: RedisClient;
  readonly #keys: BreakwaterKeys;
  readonly #now: () => number;
  readonly #delayedKeys: readonly string[];

  constructor(options: FleetStoreOptions) {
    this.#redis = options.redis;
    this.#keys = new BreakwaterKeys(options.keyPrefix);
    this.#delayedKeys = options.delayedKeys ?? [this.#keys.delayed];
    this.channel = this.#keys.fleetChannel;
    this.worker = options.worker;
    this.#now = options.now ?? Date.now;
  }

  async open(provider: string, request: OpenRequest): Promise<OpenOutcome> {
    const reply = await openScript.run(this.#redis, this.#recordKeys(provider), {
      provider,
      worker: this.worker,
      now: this.#now(),
      ...(request.until === undefined ? {} : { until: Math.round(request.until) }),
      reason: request.reason,
      quorum: request.quorum ?? 1,
      windowMs: request.windowMs ?? 60_000,
      ...(request.manual ? { manual: request.manual } : {}),
      force: request.force ?? false,
      channel: this.channel,
      probe: request.probe ?? false,
    });
    return replyOneOf(reply, ['opened', 'pending', 'already', 'lost'], 'open');
  }

  /** Counts one failed call fleet-wide; opens the provider everywhere once the fleet has seen enough. */
  async recordFailure(provider: string, failure: FailureReport): Promise<OpenOutcome | 'counted'> {
    const reply = await failureScript.run(this.#redis, this.#recordKeys(provider), {
      provider,
      worker: this.worker,
      now: this.#now(),
      ...failure,
      until: Math.round(failure.until),
      channel: this.channel,
    });
    return replyOneOf(reply, ['counted', 'already', 'opened'], 'failure');
  }

  /** Closes fleet-wide; with `probe`, only while this worker still holds the probe lease. */
  async close(provider: string, options: { probe?: boolean; manual?: { by: string; reason: string } } = {}) {
    const reply = await closeScript.run(this.#redis, this.#recordKeys(provider), {
      provider,
      worker: this.worker,
      now: this.#now(),
      ...(options.manual ? { manual: options.manual } : {}),
      probe: options.probe ?? false,
      channel: this.channel,
    });
    return replyOneOf(reply, ['closed', 'lost'], 'close') === 'closed';
  }

  /**
   * Asks for the provider's one half-open probe. When refused, says why: the fleet's current record
   * (it may have closed meanwhile) and how long another worker's lease still runs.
   */
  async acquireProbe(provider: string, ttlMs: number): Promise<ProbeAnswer> {
    const reply = await acquireProbeScript.run(this.#redis, [this.#keys.fleet, this.#keys.probe(provider)], {
      provider,
      worker: this.worker,
      now: this.#now(),
      leaseMs: ttlMs,
    });
    return parseProbeAnswer(reply);
  }

  /** The provider's record now. */
  async readOne(provider: string): Promise<FleetRecord | undefined> {
    const json = await this.#redis.hget(this.#keys.fleet, provider);
    return json === null ? undefined : parseFleetRecord(json);
  }

  async releaseProbe(provider: string): Promise<void> {
    await releaseProbeScript.run(this.#redis, [this.#keys.probe(provider)], { worker: this.worker });
  }

  /** Remembers a deferred job under each provider of its chain, to wake it when one recovers. */
  async addDeferred(providers: readonly string[], jobId: string, until: number): Promise<void> {
    const day = 24 * 3_600_000;
    const pipeline = this.#redis.pipeline();
    for (const provider of providers) {
      const key = this.#keys.deferred(provider);
      pipeline.zadd(key, Math.min(until, this.#now() + day), jobId);
      pipeline.zremrangebyscore(key, '-inf', this.#now() - day);
      pipeline.pexpire(key, 2 * day);
    }
    await pipeline.exec();
  }

  /** Forgets a deferred job that runs again (woken by its own timer, or taken by a waker). */
  async forgetDeferred(providers: readonly string[], jobId: string): Promise<void> {
    if (providers.length === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const provider of providers) pipeline.zrem(this.#keys.deferred(provider), jobId);
    await pipeline.exec();
  }

  /**
   * How many jobs are deferred with each of these providers in their chain: those remembered under
   * the provider that still sit in the queue's delayed set (a cancelled, failed or woken job does not).
   */
  async deferredCounts(providers: readonly string[]): Promise<Map<string, number>> {
    if (this.#delayedKeys.length > 1) return this.#shardedDeferredCounts(providers);
    const [delayed = this.#keys.delayed] = this.#delayedKeys;
    const pipeline = this.#redis.pipeline();
    for (const provider of providers) pipeline.zintercard(2, this.#keys.deferred(provider), delayed);
    const replies = (await pipeline.exec()) ?? [];
    return new Map(providers.map((provider, index) => [provider, Number(replies[index]?.[1] ?? 0)]));
  }

  /**
   * With several shards the delayed sets sit on other slots than the fleet's keys, so no one command
   * intersects them: the ids remembered under each provider are looked up in every shard's set.
   */
  async #shardedDeferredCounts(providers: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const provider of providers) {
      const ids = await this.#redis.zrange(this.#keys.deferred(provider), 0, -1);
      let count = 0;
      for (let start = 0; start < ids.length; start += 1_000) {
        const chunk = ids.slice(start, start + 1_000);
        const scores = await Promise.all(this.#delayedKeys.map((key) => this.#redis.zmscore(key, ...chunk)));
        count += chunk.filter((_, index) => scores.some((shard) => shard[index] !== null)).length;
      }
      counts.set(provider, count);
    }
    return counts;
  }

  /**
   * Pops up to `count` jobs deferred on the provider, under a lease named `lease` (one waker at a
   * time, fleet-wide). Returns undefined when another worker holds the lease.
   */
  async takeDeferred(
    provider: string,
    lease: string,
    leaseMs: number,
    count: number,
  ): Promise<string[] | undefined> {
    const ids = await takeDeferredScript.run(
      this.#redis,
      [this.#keys.wake(provider, lease), this.#keys.deferred(provider)],
      { worker: this.worker, leaseMs, count },
    );
    if (ids === null) return undefined;
    if (!Array.isArray(ids))
      throw new Error(`unexpected reply from the take-deferred script: ${JSON.stringify(ids)}`);
    return ids.map(String);
  }

  async read(): Promise<Map<string, FleetRecord>> {
    const records = new Map<string, FleetRecord>();
    for (const [provider, json] of Object.entries(await this.#redis.hgetall(this.#keys.fleet))) {
      const record = parseFleetRecord(json);
      if (record) records.set(provider, record);
    }
    return records;
  }

  /**
   * Calls `apply` for every change any process makes, on a connection of its own; after a
   * reconnect, `resync` runs so changes missed meanwhile are read back. Returns the unsubscriber.
   */
  async subscribe(
    apply: (provider: string, record: FleetRecord) => void,
    resync: () => void,
  ): Promise<() => void> {
    // A subscription waits out a lost connection (and resubscribes) rather than failing.
    const subscriber = subscriberOf(this.#redis);
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const { provider, record } = JSON.parse(message) as { provider: string; record: unknown };
        const parsed = checkFleetRecord(record);
        if (parsed) apply(provider, parsed);
      } catch {
        // not one of ours
      }
    });
    await subscriber.subscribe(this.channel);
    let ready = true;
    subscriber.on('close', () => {
      ready = false;
    });
    subscriber.on('ready', () => {
      if (!ready) resync();
      ready = true;
    });
    return () => subscriber.disconnect();
  }

  #recordKeys(provider: string): string[] {
    const keys = this.#keys;
    return [keys.fleet, keys.trips(provider), keys.probe(provider), keys.failures(provider)];
  }
}

/** The probe script's JSON reply, checked. */
function parseProbeAnswer(reply: unknown): ProbeAnswer {
  const answer = typeof reply === 'string' ? (JSON.parse(reply) as unknown) : undefined;
  if (typeof answer !== 'object' || answer === null) {
    throw new Error(`unexpected reply from the acquire-probe script: ${JSON.stringify(reply)}`);
  }
  const { won, record, leaseMs } = answer as { won?: unknown; record?: unknown; leaseMs?: unknown };
  if (typeof won !== 'boolean' || typeof leaseMs !== 'number') {
    throw new Error(`unexpected reply from the acquire-probe script: ${JSON.stringify(reply)}`);
  }
  const checked = checkFleetRecord(record);
  return { won, ...(checked ? { record: checked } : {}), leaseMs: Math.max(0, leaseMs) };
}

import type { Redis } from 'ioredis';
import { type FleetRecord, parseFleetRecord } from './fleet-record.js';
import {
  acquireProbeScript,
  closeScript,
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

export interface FailureReport {
  /** When the fleet would admit a probe if this failure opens it. */
  until: number;
  reason: string;
  quorum: number;
  windowMs: number;
  /** Failures in the window, fleet-wide, before the provider opens. */
  volume: number;
  /** This worker's own failure rate is over the breaker's threshold. */
  eligible: boolean;
}

export interface ProbeAnswer {
  won: boolean;
  record?: FleetRecord;
  /** While another worker holds the lease: how long it still runs. */
  leaseMs: number;
}

export interface FleetStoreOptions {
  redis: Redis;
  /** The queue's key prefix (`bull:<queue>`): the fleet's keys live under it. */
  keyPrefix: string;
  /** This process, as it appears in records and leases. */
  worker: string;
  now?: () => number;
}

/** The fleet's shared breaker state in Redis: one record per provider, changed atomically, broadcast. */
export class FleetStore {
  readonly worker: string;
  readonly channel: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  /** The queue's delayed set: a deferred job is one that is still in it. */
  readonly #delayed: string;
  readonly #hash: string;
  readonly #now: () => number;

  constructor(options: FleetStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = `${options.keyPrefix}:breakwater`;
    this.#delayed = `${options.keyPrefix}:delayed`;
    this.#hash = `${this.#prefix}:fleet`;
    this.channel = `${this.#prefix}:fleet-events`;
    this.worker = options.worker;
    this.#now = options.now ?? Date.now;
  }

  async open(provider: string, request: OpenRequest): Promise<OpenOutcome> {
    const outcome = await this.#redis.eval(
      openScript,
      4,
      ...this.#keys(provider),
      provider,
      this.worker,
      this.#now(),
      request.until === undefined ? '' : Math.round(request.until),
      request.reason,
      request.quorum ?? 1,
      request.windowMs ?? 60_000,
      request.manual ? JSON.stringify(request.manual) : '',
      request.force ? '1' : '0',
      this.channel,
      request.probe ? '1' : '0',
    );
    return outcome as OpenOutcome;
  }

  /** Counts one failed call fleet-wide; opens the provider everywhere once the fleet has seen enough. */
  async recordFailure(provider: string, failure: FailureReport): Promise<OpenOutcome | 'counted'> {
    const outcome = await this.#redis.eval(
      failureScript,
      4,
      ...this.#keys(provider),
      provider,
      this.worker,
      this.#now(),
      Math.round(failure.until),
      failure.reason,
      failure.quorum,
      failure.windowMs,
      failure.volume,
      failure.eligible ? '1' : '0',
      this.channel,
    );
    return outcome as OpenOutcome | 'counted';
  }

  /** Closes fleet-wide; with `probe`, only while this worker still holds the probe lease. */
  async close(provider: string, options: { probe?: boolean; manual?: { by: string; reason: string } } = {}) {
    const closed = await this.#redis.eval(
      closeScript,
      4,
      ...this.#keys(provider),
      provider,
      this.worker,
      this.#now(),
      options.manual ? JSON.stringify(options.manual) : '',
      options.probe ? '1' : '0',
      this.channel,
    );
    return closed === 1;
  }

  /**
   * Asks for the provider's one half-open probe. When refused, says why: the fleet's current record
   * (it may have closed meanwhile) and how long another worker's lease still runs.
   */
  async acquireProbe(provider: string, ttlMs: number): Promise<ProbeAnswer> {
    const [hash, , lease] = this.#keys(provider);
    const [won, json, leaseMs] = (await this.#redis.eval(
      acquireProbeScript,
      2,
      hash,
      lease,
      provider,
      this.worker,
      this.#now(),
      ttlMs,
    )) as [number, string | null, number];
    const record = typeof json === 'string' ? parseFleetRecord(json) : undefined;
    return { won: won === 1, ...(record ? { record } : {}), leaseMs: Math.max(0, leaseMs) };
  }

  /** The provider's record now. */
  async readOne(provider: string): Promise<FleetRecord | undefined> {
    const json = await this.#redis.hget(this.#hash, provider);
    return json === null ? undefined : parseFleetRecord(json);
  }

  async releaseProbe(provider: string): Promise<void> {
    await this.#redis.eval(releaseProbeScript, 1, this.#keys(provider)[2], this.worker);
  }

  /** Remembers a deferred job under each provider of its chain, to wake it when one recovers. */
  async addDeferred(providers: readonly string[], jobId: string, until: number): Promise<void> {
    const day = 24 * 3_600_000;
    const pipeline = this.#redis.pipeline();
    for (const provider of providers) {
      const key = this.#deferredKey(provider);
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
    for (const provider of providers) pipeline.zrem(this.#deferredKey(provider), jobId);
    await pipeline.exec();
  }

  /**
   * How many jobs are deferred with each of these providers in their chain: those remembered under
   * the provider that still sit in the queue's delayed set (a cancelled, failed or woken job does not).
   */
  async deferredCounts(providers: readonly string[]): Promise<Map<string, number>> {
    const pipeline = this.#redis.pipeline();
    for (const provider of providers) pipeline.zintercard(2, this.#deferredKey(provider), this.#delayed);
    const replies = (await pipeline.exec()) ?? [];
    return new Map(providers.map((provider, index) => [provider, Number(replies[index]?.[1] ?? 0)]));
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
    const ids = await this.#redis.eval(
      takeDeferredScript,
      2,
      `${this.#prefix}:wake:${provider}:${lease}`,
      this.#deferredKey(provider),
      this.worker,
      leaseMs,
      count,
    );
    return Array.isArray(ids) ? ids.map(String) : undefined;
  }

  async read(): Promise<Map<string, FleetRecord>> {
    const records = new Map<string, FleetRecord>();
    for (const [provider, json] of Object.entries(await this.#redis.hgetall(this.#hash))) {
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
    const subscriber = this.#redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      lazyConnect: false,
    });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const { provider, record } = JSON.parse(message) as { provider: string; record: unknown };
        const parsed = parseFleetRecord(JSON.stringify(record));
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

  #deferredKey(provider: string): string {
    return `${this.#prefix}:deferred:${provider}`;
  }

  #keys(provider: string): [string, string, string, string] {
    return [
      this.#hash,
      `${this.#prefix}:trips:${provider}`,
      `${this.#prefix}:probe:${provider}`,
      `${this.#prefix}:failures:${provider}`,
    ];
  }
}

import type { BreakerState } from './availability.js';
import type { CircuitTransition } from './provider-circuit.js';

/** The two Redis commands the store needs (an ioredis client has both). */
export interface StatusRedis {
  hset(key: string, data: Record<string, string>): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
}

/** A provider's breaker state as a worker last reported it. */
export interface ReportedStatus {
  state: BreakerState;
  /** While open: when the breaker admits a probe (epoch ms). */
  until?: number;
  reason?: string;
  /** When it was reported (epoch ms). */
  at: number;
}

/**
 * Workers report every breaker transition to one Redis hash per queue, so an API process (which has
 * no breakers of its own) can say what the providers look like. The last report wins.
 */
export class ProviderStatusStore {
  readonly #redis: StatusRedis;
  readonly #key: string;
  readonly #now: () => number;

  constructor(redis: StatusRedis, queueKeyPrefix: string, now: () => number = Date.now) {
    this.#redis = redis;
    this.#key = `${queueKeyPrefix}:breakwater:providers`;
    this.#now = now;
  }

  async record(transition: CircuitTransition): Promise<void> {
    const status: ReportedStatus = {
      state: transition.state,
      ...(transition.until === undefined ? {} : { until: transition.until }),
      ...(transition.reason === undefined ? {} : { reason: transition.reason }),
      at: this.#now(),
    };
    await this.#redis.hset(this.#key, { [transition.provider]: JSON.stringify(status) });
  }

  /**
   * Every reported provider's status. An `open` report whose `until` has passed is read as
   * `half-open`: that breaker now admits a probe, even if the worker that reported it is gone.
   */
  async read(): Promise<Map<string, ReportedStatus>> {
    const now = this.#now();
    const entries = Object.entries(await this.#redis.hgetall(this.#key));
    const statuses = new Map<string, ReportedStatus>();
    for (const [provider, json] of entries) {
      const status = parseStatus(json);
      if (!status) continue;
      const stale = status.state === 'open' && status.until !== undefined && status.until <= now;
      statuses.set(provider, stale ? { state: 'half-open', at: status.at } : status);
    }
    return statuses;
  }
}

function parseStatus(json: string): ReportedStatus | undefined {
  try {
    const value = JSON.parse(json) as ReportedStatus;
    return ['closed', 'open', 'half-open'].includes(value.state) && typeof value.at === 'number'
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

import { randomUUID } from 'node:crypto';
import type { BreakwaterConfig } from '../config/schema.js';
import type { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';
import { RoundTripBatcher } from '../redis/round-trip-batcher.js';
import type {
  Admission,
  AdmissionDecision,
  AdmissionTicket,
  CallUsage,
  ReportedLimits,
} from './admission.js';
import {
  type AdmissionCall,
  type AdmissionPlan,
  admissionPlan,
  type CallPlace,
  configuredFor,
  type LimitScope,
  modelScope,
  providerScope,
} from './admission-plan.js';
import {
  type AdmitCallInput,
  type AdmitReply,
  admitScript,
  type BlockKind,
  blockScript,
  learnScript,
  type SettleInput,
  settleScript,
  slotScript,
} from './admission-scripts.js';
import { calendarWindow, type WindowOf } from './budget-window.js';
import { describeRefusal, type Refusal } from './refusal.js';

/**
 * Pacing runs at this share of a limit, so calls that reach the provider a little out of step (the
 * network, a busy worker) do not meet its own bucket empty.
 */
export const limitHeadroom = 0.98;

/** How long a bucket outlives its last use: what a provider reported is kept that long. */
const bucketTtlMs = 24 * 3_600_000;

/** A concurrency slot of a call whose worker died is taken back this long after the call's timeout. */
const leaseGraceMs = 5_000;

export interface FleetAdmissionOptions {
  redis: RedisClient;
  keys: BreakwaterKeys;
  config: BreakwaterConfig;
  now?: () => number;
  /** The budget windows. @defaultValue UTC hours, days and months */
  windowOf?: WindowOf;
}

interface FleetTicket extends AdmissionTicket {
  plan: AdmissionPlan;
  leaseId: string;
}

/** A call on its way to admission. */
interface Pending {
  call: AdmissionCall;
  plan: AdmissionPlan;
  leaseId: string;
}

/** How often token and cost corrections go to Redis, together: they add up in any order. */
const settleIntervalMs = 200;

/** What a free call reserves: nothing (shared: never changed). */
const emptyPlan: AdmissionPlan = Object.freeze({ rates: [], leases: [], budgets: [] });

/** Admission in Redis, shared by every worker of the queue: one script call per admitted call. */
export class FleetAdmission implements Admission {
  readonly #redis: RedisClient;
  readonly #keys: BreakwaterKeys;
  readonly #config: BreakwaterConfig;
  readonly #now: () => number;
  readonly #windowOf: WindowOf;
  /** Scopes the provider has reported limits for, or answered 429 or a spent quota in. */
  readonly #reported = new Set<LimitScope>();
  readonly #bucketKeys = new Map<string, string>();
  /** Token and cost corrections not yet sent, by key: rate buckets and budgets. */
  readonly #pending = { rates: new Map<string, number>(), budgets: new Map<string, number>() };
  readonly #timer: NodeJS.Timeout;
  /**
   * Calls that meet in the same moment share one script call, decided one after another. Up to 16
   * script calls are out at once: one at a time made every call wait for the one before it (0.73×
   * of the path without limits in the bench); 16 keep the wait to one round trip (0.86–0.98×).
   */
  readonly #batcher = new RoundTripBatcher<Pending, AdmissionDecision>((batch) => this.#admitBatch(batch), {
    maxInFlight: 16,
  });

  constructor(options: FleetAdmissionOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
    this.#windowOf = options.windowOf ?? calendarWindow;
    this.#timer = setInterval(() => void this.flush().catch(() => undefined), settleIntervalMs);
    this.#timer.unref();
  }

  /**
   * Admission is free until there is something to admit against: a call with no configured limit,
   * budget or tenant cap, to a model whose provider has reported no limit here, goes without a round
   * trip. Real providers report their limits on every answer, so their calls are admitted from the
   * first answer on; a 429 or a spent quota switches a scope on at once.
   */
  free(place: CallPlace): boolean {
    return (
      !configuredFor(this.#config, place) &&
      !this.#reported.has(modelScope(place.provider, place.model)) &&
      !this.#reported.has(providerScope(place.provider))
    );
  }

  async admit(call: AdmissionCall): Promise<AdmissionDecision> {
    if (this.free(call)) {
      const ticket: FleetTicket = { call, plan: emptyPlan, leaseId: '' };
      return { kind: 'admitted', ticket };
    }
    const full = admissionPlan(this.#config, call, this.#now(), this.#windowOf);
    // A bucket with no configured limit matters only once the provider has reported one (or held it).
    const plan = {
      rates: full.rates.filter((rate) => rate.limit !== undefined || this.#reported.has(rate.scope)),
      leases: full.leases,
      budgets: full.budgets,
    };
    return this.#batcher.request({ call, plan, leaseId: plan.leases.length > 0 ? randomUUID() : '' });
  }

  async #admitBatch(batch: readonly Pending[]): Promise<AdmissionDecision[]> {
    const now = this.#now();
    const keys: string[] = [];
    const positions = new Map<string, number>();
    const key = (name: string) => {
      let position = positions.get(name);
      if (position === undefined) {
        keys.push(name);
        position = keys.length;
        positions.set(name, position);
      }
      return position;
    };
    const calls: AdmitCallInput[] = batch.map(({ call, plan, leaseId }) => ({
      rates: plan.rates.map((rate) => ({
        key: key(this.#bucketKey(rate.scope, rate.unit)),
        cost: rate.cost,
        ...(rate.limit === undefined ? {} : { limit: rate.limit }),
      })),
      leases: plan.leases.map((lease) => ({
        key: key(this.#keys.inflight(lease.scope)),
        limit: lease.limit,
        id: leaseId,
        expiresAt: now + call.timeoutMs + leaseGraceMs,
      })),
      budgets: plan.budgets.map((budget) => ({
        key: key(this.#keys.budget(budget.name, budget.window.start)),
        usd: budget.usd,
        cost: budget.cost,
        expireAt: budget.window.end + (budget.window.end - budget.window.start),
      })),
    }));
    const replies = JSON.parse(
      String(
        await admitScript.run(this.#redis, keys, { now, headroom: limitHeadroom, ttlMs: bucketTtlMs, calls }),
      ),
    ) as AdmitReply[];
    return replies.map((reply, index) => this.#decision(batch[index] as Pending, reply, now));
  }

  #decision({ call, plan, leaseId }: Pending, reply: AdmitReply, now: number): AdmissionDecision {
    if (reply.admitted) {
      const ticket: FleetTicket = { call, plan, leaseId };
      return { kind: 'admitted', ticket };
    }
    const { spacing, ...described } = describeRefusal(reply, plan, now);
    const slotOf = (): Refusal['slot'] => {
      if (spacing <= 0) return undefined;
      if (reply.kind === 'rate') {
        const rate = plan.rates[reply.index];
        return rate
          ? { key: this.#keys.waitSlot(this.#keys.limit(rate.scope, rate.unit)), spacing }
          : undefined;
      }
      if (reply.kind === 'lease') {
        const lease = plan.leases[reply.index];
        return lease ? { key: this.#keys.waitSlot(this.#keys.inflight(lease.scope)), spacing } : undefined;
      }
      return undefined;
    };
    return { kind: 'refused', refusal: { ...described, slot: slotOf() } };
  }

  async settle(ticket: AdmissionTicket, usage: CallUsage | undefined): Promise<void> {
    const { plan, leaseId, call } = ticket as FleetTicket;
    const estimatedTokens = call.estimate.inputTokens + call.estimate.outputTokens;
    const usedTokens =
      usage && usage.inputTokens !== null && usage.outputTokens !== null
        ? usage.inputTokens + usage.outputTokens
        : undefined;
    const tokenDelta = usedTokens === undefined ? 0 : estimatedTokens - usedTokens;
    const costDelta = usage?.costUsd == null ? 0 : usage.costUsd - call.estimatedCostUsd;
    const add = (map: Map<string, number>, key: string, delta: number) => {
      if (delta !== 0) map.set(key, (map.get(key) ?? 0) + delta);
    };
    for (const rate of plan.rates) {
      if (rate.unit === 'tokens')
        add(this.#pending.rates, this.#bucketKey(rate.scope, rate.unit), tokenDelta);
    }
    for (const budget of plan.budgets) {
      add(this.#pending.budgets, this.#keys.budget(budget.name, budget.window.start), costDelta);
    }
    // A concurrency slot frees at once; corrections go with the next flush.
    if (plan.leases.length > 0) {
      const pipeline = this.#redis.pipeline();
      for (const lease of plan.leases) pipeline.zrem(this.#keys.inflight(lease.scope), leaseId);
      await pipeline.exec();
    }
  }

  /** Sends the token and cost corrections gathered since the last flush, in one script call. */
  async flush(): Promise<void> {
    const { rates, budgets } = this.#pending;
    if (rates.size === 0 && budgets.size === 0) return;
    const input: SettleInput = {
      rates: [...rates.values()].map((delta) => ({ delta })),
      leases: [],
      budgets: [...budgets.values()].map((delta) => ({ delta })),
    };
    const keys = [...rates.keys(), ...budgets.keys()];
    rates.clear();
    budgets.clear();
    await settleScript.run(this.#redis, keys, input);
  }

  /** Stops the timer and sends what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush().catch(() => undefined);
  }

  /** A bucket's key, built once per scope and unit. */
  #bucketKey(scope: LimitScope, unit: 'requests' | 'tokens'): string {
    const name = `${scope}\u0000${unit}`;
    let key = this.#bucketKeys.get(name);
    if (key === undefined) {
      key = this.#keys.limit(scope, unit);
      this.#bucketKeys.set(name, key);
    }
    return key;
  }

  async learn(provider: string, model: string, reported: ReportedLimits): Promise<void> {
    if (!reported.requests && !reported.tokens) return;
    const scope = modelScope(provider, model);
    this.#reported.add(scope);
    await learnScript.run(
      this.#redis,
      [this.#keys.limit(scope, 'requests'), this.#keys.limit(scope, 'tokens')],
      { now: this.#now(), headroom: limitHeadroom, ttlMs: bucketTtlMs, ...reported },
    );
  }

  async block(scope: LimitScope, kind: BlockKind, until: number, why: string): Promise<void> {
    this.#reported.add(scope);
    await blockScript.run(this.#redis, [this.#keys.limit(scope, 'requests')], {
      kind,
      now: this.#now(),
      until,
      why,
      ttlMs: bucketTtlMs,
    });
  }

  async waitSlot(refusal: Refusal): Promise<number> {
    if (!refusal.slot) return refusal.until;
    const slot = await slotScript.run(this.#redis, [refusal.slot.key], {
      now: this.#now(),
      ready: refusal.until,
      spacing: refusal.slot.spacing,
    });
    return typeof slot === 'number' ? slot : refusal.until;
  }
}

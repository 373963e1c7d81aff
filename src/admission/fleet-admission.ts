import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BreakwaterConfig } from '../config/schema.js';
import type { BreakwaterKeys } from '../redis/breakwater-keys.js';
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
  type LimitScope,
  modelScope,
} from './admission-plan.js';
import {
  type AdmitReply,
  admitScript,
  type BlockKind,
  blockScript,
  learnScript,
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
  redis: Redis;
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

/** Admission in Redis, shared by every worker of the queue: one script call per admitted call. */
export class FleetAdmission implements Admission {
  readonly #redis: Redis;
  readonly #keys: BreakwaterKeys;
  readonly #config: BreakwaterConfig;
  readonly #now: () => number;
  readonly #windowOf: WindowOf;

  constructor(options: FleetAdmissionOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
    this.#windowOf = options.windowOf ?? calendarWindow;
  }

  async admit(call: AdmissionCall): Promise<AdmissionDecision> {
    const now = this.#now();
    const plan = admissionPlan(this.#config, call, now, this.#windowOf);
    const leaseId = randomUUID();
    const reply = JSON.parse(
      String(
        await admitScript.run(this.#redis, this.#keysOf(plan), {
          now,
          headroom: limitHeadroom,
          ttlMs: bucketTtlMs,
          rates: plan.rates.map((rate) => ({
            cost: rate.cost,
            ...(rate.limit === undefined ? {} : { limit: rate.limit }),
          })),
          leases: plan.leases.map((lease) => ({
            limit: lease.limit,
            id: leaseId,
            expiresAt: now + call.timeoutMs + leaseGraceMs,
          })),
          budgets: plan.budgets.map((budget) => ({
            usd: budget.usd,
            cost: budget.cost,
            expireAt: budget.window.end + (budget.window.end - budget.window.start),
          })),
        }),
      ),
    ) as AdmitReply;
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
    if (tokenDelta === 0 && costDelta === 0 && plan.leases.length === 0) return;
    await settleScript.run(this.#redis, this.#keysOf(plan), {
      rates: plan.rates.map((rate) => ({ delta: rate.unit === 'tokens' ? tokenDelta : 0 })),
      leases: plan.leases.map(() => ({ id: leaseId })),
      budgets: plan.budgets.map(() => ({ delta: costDelta })),
    });
  }

  async learn(provider: string, model: string, reported: ReportedLimits): Promise<void> {
    if (!reported.requests && !reported.tokens) return;
    const scope = modelScope(provider, model);
    await learnScript.run(
      this.#redis,
      [this.#keys.limit(scope, 'requests'), this.#keys.limit(scope, 'tokens')],
      { now: this.#now(), headroom: limitHeadroom, ttlMs: bucketTtlMs, ...reported },
    );
  }

  async block(scope: LimitScope, kind: BlockKind, until: number, why: string): Promise<void> {
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

  #keysOf(plan: AdmissionPlan): string[] {
    return [
      ...plan.rates.map((rate) => this.#keys.limit(rate.scope, rate.unit)),
      ...plan.leases.map((lease) => this.#keys.inflight(lease.scope)),
      ...plan.budgets.map((budget) => this.#keys.budget(budget.name, budget.window.start)),
    ];
  }
}

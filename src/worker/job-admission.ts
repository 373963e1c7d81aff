import type { Admission, ReadReportedLimits } from '../admission/admission.js';
import { type AdmissionCall, modelScope, providerScope } from '../admission/admission-plan.js';
import { estimateCall } from '../admission/estimate.js';
import { clock, type Refusal } from '../admission/refusal.js';
import { ownEntry } from '../config/own-key.js';
import type { BreakwaterConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { costUsd } from '../pricing/cost.js';
import type { ProviderError } from '../providers/provider-error.js';
import type { ProviderRequest, ProviderResult } from '../providers/run-request.js';
import type { EntryAdmission, EntryAdmit, ResolvedEntry } from '../resilience/fallback-chain.js';

export interface JobAdmissionOptions {
  admission: Admission;
  config: BreakwaterConfig;
  request: ProviderRequest;
  route: string | undefined;
  tenant: string | undefined;
  now: () => number;
  logger: () => Logger;
  readReported: ReadReportedLimits;
}

const nothing = () => undefined;

/** A 429 with no Retry-After and no reset in its headers holds the model back this long. */
const defaultLimitedMs = 1_000;
/** The longest a 429 holds a model back, whatever its Retry-After says. */
export const maxLimitedMs = 600_000;

/**
 * Admission for the entries of one job: the walk asks before each call and settles after it. Redis
 * trouble never stops a job here: a failed reservation admits the call (the queue itself needs
 * Redis; a call that then meets the provider's own limit is a 429, handled as one).
 */
export function jobAdmission(options: JobAdmissionOptions): EntryAdmission {
  const { admission, config, request, now } = options;
  // Methods, not named arrows: made per job, and tsx's keepNames would rename each named closure.
  return {
    async admit(entry: ResolvedEntry): Promise<EntryAdmit> {
      const place = {
        provider: entry.provider,
        model: entry.model,
        route: options.route,
        tenant: options.tenant,
      };
      if (admission.free?.(place)) {
        // Nothing to reserve or give back; what the provider reports may still switch pacing on.
        return {
          kind: 'admitted',
          settle(result) {
            learn(options, entry, result?.rateLimitHeaders);
          },
          cancel: nothing,
        };
      }
      const limits = ownEntry(config.providers, entry.provider)?.limits;
      const estimate = estimateCall(request, limits?.assumedOutputTokens ?? 1_000);
      const call: AdmissionCall = {
        provider: entry.provider,
        model: entry.model,
        timeoutMs: entry.timeoutMs,
        estimate,
        estimatedCostUsd: costUsd(entry.model, estimate, config.pricing) ?? 0,
        route: options.route,
        tenant: options.tenant,
      };
      let decision: Awaited<ReturnType<Admission['admit']>>;
      try {
        decision = await admission.admit(call);
      } catch (error) {
        options
          .logger()
          .warn({ err: error, provider: entry.provider }, 'admission unreachable: the call goes unpaced');
        return { kind: 'admitted', settle: () => undefined, cancel: () => undefined };
      }
      if (decision.kind === 'refused') return decision;
      const { ticket } = decision;
      return {
        kind: 'admitted',
        settle(result: ProviderResult | undefined) {
          learn(options, entry, result?.rateLimitHeaders);
          const usage = result
            ? {
                inputTokens: result.usage.inputTokens,
                outputTokens: result.usage.outputTokens,
                costUsd: costUsd(entry.model, result.usage, config.pricing),
              }
            : undefined;
          void admission.settle(ticket, usage).catch((error: unknown) => {
            options.logger().debug({ err: error }, 'admission not settled: leases expire on their own');
          });
        },
        // Never sent: every token and cent reserved for it goes back.
        cancel() {
          void admission
            .settle(ticket, { inputTokens: 0, outputTokens: 0, costUsd: 0 })
            .catch(() => undefined);
        },
      };
    },

    async limited(entry: ResolvedEntry, error: ProviderError): Promise<Refusal> {
      const at = now();
      const reported = learn(options, entry, error.rateLimitHeaders);
      if (error.verdict === 'quota') {
        const recheckMs = ownEntry(config.providers, entry.provider)?.limits.quotaRecheckMs ?? 3_600_000;
        const until = at + (error.retryAfterMs ?? recheckMs);
        const reason = `${entry.provider} quota exhausted until ${clock(until)} (${error.message})`;
        await block(options, () => admission.block(providerScope(entry.provider), 'quota', until, reason));
        return { errorClass: 'quota', until, reason, slot: undefined };
      }
      const resetAt = reported?.resetAt;
      const waitMs =
        error.retryAfterMs !== undefined
          ? error.retryAfterMs
          : resetAt !== undefined && resetAt > at
            ? resetAt - at
            : defaultLimitedMs;
      const until = at + Math.min(waitMs, maxLimitedMs);
      const reason = `${entry.provider}/${entry.model} rate limited (429) until ${clock(until)}`;
      await block(options, () =>
        admission.block(modelScope(entry.provider, entry.model), 'rate', until, reason),
      );
      return { errorClass: 'rate-limit', until, reason, slot: undefined };
    },
  };
}

/** Shares what the provider's headers say about its limits with the fleet; never fails the call. */
function learn(
  options: JobAdmissionOptions,
  entry: ResolvedEntry,
  headers: Readonly<Record<string, string>> | undefined,
): ReturnType<ReadReportedLimits> {
  if (!headers) return undefined;
  const reported = options.readReported(headers, options.now());
  if (!reported) return undefined;
  void options.admission.learn(entry.provider, entry.model, reported).catch((error: unknown) => {
    options.logger().debug({ err: error }, 'reported limits not recorded');
  });
  return reported;
}

/** Shares a block with the fleet; without Redis it stays local to this call. */
async function block(options: JobAdmissionOptions, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    options.logger().warn({ err: error }, 'limit not shared with the fleet');
  }
}

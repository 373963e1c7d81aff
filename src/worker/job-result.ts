import type { Attempt } from '../contract/attempt.js';
import type { FinishReason, TokenUsage } from '../providers/completion.js';
import type { ChainOutcome } from '../resilience/fallback-chain.js';

/** What a completed job returns (BullMQ `returnvalue`). */
export interface JobResult {
  text: string;
  finishReason: FinishReason;
  provider: string;
  model: string;
  usage: TokenUsage;
  /** The successful call's latency. */
  latencyMs: number;
  /** USD from the price table; null when the model's price or token counts are unknown. */
  costUsd: number | null;
  /** True when an entry other than the chain's first served the job. */
  fallbackUsed: boolean;
  /** Every call and skip of the run that completed; the last one served the job. */
  attempts: Attempt[];
}

/** The result of a completed walk; `attempts` are the run's, the serving one priced. */
export function jobResultOf(
  outcome: Extract<ChainOutcome, { kind: 'completed' }>,
  attempts: readonly Attempt[],
): JobResult {
  const { result, entry } = outcome;
  return {
    text: result.text,
    finishReason: result.finishReason,
    provider: entry.provider,
    model: entry.model,
    usage: result.usage,
    latencyMs: result.latencyMs,
    costUsd: attempts.at(-1)?.costUsd ?? null,
    fallbackUsed: outcome.index > 0,
    attempts: [...attempts],
  };
}

import type { FinishReason, TokenUsage } from '../providers/completion.js';
import type { AttemptRecord } from '../resilience/attempt.js';

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
  /** Every call and skip of the run that completed. */
  attempts: AttemptRecord[];
}

import type { Attempt } from '../contract/attempt.js';
import type { JobResult } from '../contract/job.js';
import type { ChainOutcome } from '../resilience/fallback-chain.js';

/** What a completed job returns (BullMQ `returnvalue`): the public contract's shape. */
export type { JobResult };

/** The result of a completed walk; `attempts` are the run's, the serving one priced. */
export function jobResultOf(
  outcome: Extract<ChainOutcome, { kind: 'completed' }>,
  attempts: readonly Attempt[],
): JobResult {
  const { result, entry } = outcome;
  const served = {
    provider: entry.provider,
    model: entry.model,
    usage: result.usage,
    costUsd: attempts.at(-1)?.costUsd ?? null,
    fallbackUsed: outcome.index > 0,
    attempts: [...attempts],
    ...(outcome.batch ? { batch: outcome.batch } : {}),
  };
  if ('kind' in result) return { embeddings: result.embeddings, ...served };
  return {
    text: result.text,
    ...(result.object === undefined ? {} : { object: result.object }),
    finishReason: result.finishReason,
    ...served,
    latencyMs: result.latencyMs,
  };
}

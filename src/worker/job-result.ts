import type { Attempt } from '../contract/attempt.js';
import type { JobResult } from '../contract/job.js';
import type { ChainOutcome } from '../resilience/fallback-chain.js';

/** What a completed job returns (BullMQ `returnvalue`): the public contract's shape. */
export type { JobResult };

/**
 * USD of the run: the serving call's, plus what calls that lost a race reported before they were
 * cut off; null when the serving call's model has no price.
 */
function costOf(attempts: readonly Attempt[]): number | null {
  const served = attempts.find((attempt) => attempt.outcome === 'ok');
  if (served?.costUsd == null) return null;
  let total = served.costUsd;
  for (const attempt of attempts) {
    if (attempt.outcome === 'lost-race' && attempt.costUsd != null) total += attempt.costUsd;
  }
  return Math.round(total * 1e9) / 1e9;
}

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
    costUsd: costOf(attempts),
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

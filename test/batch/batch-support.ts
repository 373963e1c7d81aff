import { expect } from 'vitest';
import type { CompletionJobResult } from '../../src/contract/index.js';
import type { WorkerHarness } from '../support/worker-harness.js';

export interface BatchSettings {
  maxJobs?: number;
  maxWaitMs?: number;
  pollIntervalMs?: number;
  windowMs?: number;
}

/**
 * A harness `config` whose `primary` (OpenAI wire) batches with these settings, and a route
 * `batched`: primary's batch entry first, then the same model called synchronously.
 */
export function withBatches(settings: BatchSettings, extra: Record<string, unknown> = {}) {
  return (base: Record<string, unknown>): Record<string, unknown> => {
    const providers = base.providers as Record<string, Record<string, unknown>>;
    return {
      ...base,
      providers: {
        ...providers,
        primary: {
          ...providers.primary,
          batch: { maxJobs: 50, maxWaitMs: 300, pollIntervalMs: 200, ...settings },
        },
      },
      routes: {
        ...(base.routes as object),
        batched: [
          { provider: 'primary', model: 'gpt-4.1-mini', batch: true },
          { provider: 'primary', model: 'gpt-4.1-mini' },
        ],
      },
      ...extra,
    };
  };
}

/** Waits until every job completed, and returns their results. */
export async function completedAll(harness: WorkerHarness, ids: string[], timeout = 20_000) {
  await expect
    .poll(async () => (await harness.states(ids)).filter((state) => state !== 'completed').length, {
      timeout,
      interval: 200,
    })
    .toBe(0);
  // Batches serve completions: every result here is one.
  return Promise.all(ids.map(async (id) => (await harness.job(id)).returnvalue as CompletionJobResult));
}

/** The synchronous cost of a result's tokens at gpt-4.1-mini's list price (0.4 / 1.6 USD per M). */
export function listCost(usage: { inputTokens: number | null; outputTokens: number | null }): number {
  return ((usage.inputTokens ?? 0) * 0.4 + (usage.outputTokens ?? 0) * 1.6) / 1e6;
}

import { DelayedError, type Job } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { Attempt } from '../contract/attempt.js';
import type { Logger } from '../logging/logger.js';
import type { CompletionRequest } from '../providers/completion.js';
import type { ProviderRequest } from '../providers/run-request.js';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import { attemptEntry, timelineLogEntry } from '../queue/timeline.js';
import type { BatchStop, ChainOutcome, ResolvedEntry } from '../resilience/fallback-chain.js';
import { mayUseBatch, parkUntil } from './batch-policy.js';
import type { JobBatchState } from './batch-record.js';
import type { BatchStore } from './batch-store.js';

/** Where a job stands with its batch entry when it runs. */
export type Resumption =
  /** Walk the chain from `from`, after these attempts (a fresh job: from 0, none). */
  | { kind: 'walk'; from: number; attempts: Attempt[] }
  /** Its batch answered: the job completes with that answer. */
  | { kind: 'completed'; outcome: Extract<ChainOutcome, { kind: 'completed' }> }
  /** Its batch is still running: it sleeps again, until `until` at the latest. */
  | { kind: 'wait'; until: number; provider: string; model: string };

/** What parking a job needs of its run. */
export interface ParkRun {
  job: Job<JobData>;
  token: string | undefined;
  log: () => Logger;
  /** Records the job's due time where dashboards read it. */
  showDueTime?: ((job: Job<JobData>, until: number) => Promise<void>) | undefined;
}

/** The processor's side of batch entries: the same three calls with batches on or off. */
export interface BatchStep {
  resume(jobId: string, chain: readonly ResolvedEntry[], now: number): Promise<Resumption>;
  /** Whether the job may use this batch entry now. */
  mayUse(entry: ResolvedEntry, deadline: number | undefined, now: number): boolean;
  /** Adds the job to its batch entry's collection and parks it: no worker slot, no lock. */
  join(run: ParkRun, stop: BatchStop, request: CompletionRequest): Promise<never>;
  /** Parks a job whose batch is still running. */
  park(run: ParkRun, wait: Extract<Resumption, { kind: 'wait' }>): Promise<never>;
}

const fresh: Resumption = { kind: 'walk', from: 0, attempts: [] };

/**
 * The request as a batch item, when batches can carry it: a text completion. Embeddings, structured
 * output and images are sent as ordinary calls (a batch entry is passed over for them).
 */
export function batchableRequest(request: ProviderRequest): CompletionRequest | undefined {
  if ('kind' in request || request.output !== undefined) return undefined;
  return (request.messages ?? []).every((message) => typeof message.content === 'string')
    ? request
    : undefined;
}

/** Where batches are off: batch entries are passed over, as a chain without them. */
export const withoutBatches: BatchStep = {
  resume: async () => fresh,
  mayUse: () => false,
  join: () => Promise.reject(new Error('batch entries are off in this worker')),
  park: () => Promise.reject(new Error('batch entries are off in this worker')),
};

/** How long a job's batch record outlives its safety timer: results of a late batch still find it. */
const recordSlackMs = 7 * 86_400_000;

/**
 * Batch entries in the processor. A job that reaches one joins its provider and model's collection
 * (once: a job re-run after a crash finds its record) and moves to BullMQ's delayed set, where it
 * holds no worker slot and no lock, until its batch ends and the coordinator wakes it — or, if
 * everything else was lost, until its own safety timer, when it looks at its batch itself.
 */
export function batchStep(store: BatchStore, config: BreakwaterConfig, now: () => number): BatchStep {
  const batchConfig = (provider: string) =>
    Object.hasOwn(config.providers, provider) ? config.providers[provider]?.batch : undefined;

  async function sleep(
    run: ParkRun,
    state: Pick<JobBatchState, 'provider' | 'model'>,
    until: number,
  ): Promise<never> {
    const { job, token } = run;
    await job.updateProgress({
      ...readProgress(job.progress),
      batch: { provider: state.provider, model: state.model, until },
    });
    await job.moveToDelayed(until, token);
    await run.showDueTime?.(job, until).catch(() => undefined);
    // The batch may have ended while the job was still active, when it could not be woken: wake it now.
    if ((await store.jobState(String(job.id)))?.outcome) await job.promote().catch(() => undefined);
    throw new DelayedError(
      `batched with ${state.provider}/${state.model} until ${new Date(until).toISOString()} at the latest`,
    );
  }

  return {
    async resume(jobId, chain, at) {
      // A chain without batch entries costs no Redis read.
      if (!chain.some((entry) => entry.batch)) return fresh;
      const state = await store.jobState(jobId);
      if (!state) return fresh;
      const { outcome } = state;
      if (outcome?.kind === 'ok') {
        const named = chain[state.index];
        const entry: ResolvedEntry =
          named?.provider === state.provider && named.model === state.model
            ? named
            : { provider: state.provider, model: state.model, batch: true, timeoutMs: 0 };
        const attempt: Attempt = {
          provider: state.provider,
          model: state.model,
          outcome: 'ok',
          at: new Date(outcome.submittedAt).toISOString(),
          durationMs: Math.max(0, outcome.endedAt - outcome.submittedAt),
        };
        return {
          kind: 'completed',
          outcome: {
            kind: 'completed',
            result: outcome.result,
            entry,
            index: state.index,
            attempts: [attempt],
            batch: { id: outcome.batchId },
          },
        };
      }
      if (outcome?.kind === 'failed')
        return { kind: 'walk', from: state.index + 1, attempts: [outcome.attempt] };
      const limits = batchConfig(state.provider);
      const until = limits ? parkUntil(state.joinedAt, limits) : at;
      if (at < until) return { kind: 'wait', until, provider: state.provider, model: state.model };
      // Its batch never came back (its records were lost): the entry failed, the chain goes on.
      return {
        kind: 'walk',
        from: state.index + 1,
        attempts: [
          {
            provider: state.provider,
            model: state.model,
            outcome: 'retryable',
            at: new Date(state.joinedAt).toISOString(),
            durationMs: Math.max(0, at - state.joinedAt),
            errorClass: 'batch-expired',
            error: 'no batch result within the completion window',
          },
        ],
      };
    },
    mayUse(entry, deadline, at) {
      const limits = batchConfig(entry.provider);
      return limits !== undefined && mayUseBatch(deadline, at, limits);
    },
    async join(run, stop, request) {
      const jobId = String(run.job.id);
      const limits = batchConfig(stop.entry.provider);
      if (!limits) throw new Error(`provider "${stop.entry.provider}" has no batch config`);
      const joinedAt = now();
      const until = parkUntil(joinedAt, limits);
      const state = { provider: stop.entry.provider, model: stop.entry.model, index: stop.index, joinedAt };
      const joined = await store.join(jobId, state, request, until - joinedAt + recordSlackMs);
      if (joined === 'exists') {
        const known = await store.jobState(jobId);
        return sleep(run, known ?? state, known ? parkUntil(known.joinedAt, limits) : until);
      }
      run.log().debug({ provider: state.provider, model: state.model }, 'job batched');
      // The run's attempts before the batch entry (skips, failures) stay in the job's timeline.
      if (stop.attempts.length > 0) {
        await run.job.log(timelineLogEntry(stop.attempts.map(attemptEntry))).catch(() => undefined);
      }
      await run.job
        .log(
          `waiting for a provider batch of ${state.provider}/${state.model}: sent when ${limits.maxJobs} jobs wait or the oldest waited ${limits.maxWaitMs} ms`,
        )
        .catch(() => undefined);
      return sleep(run, state, until);
    },
    park(run, wait) {
      return sleep(run, wait, wait.until);
    },
  };
}

import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import { costUsd } from '../pricing/cost.js';
import type { CompletionRequest, LanguageModelAdapter } from '../providers/completion.js';
import { readProgress } from '../queue/deferral.js';
import type { JobData } from '../queue/job-input.js';
import { JobValidationError } from '../queue/job-validation-error.js';
import { RetryableJobError } from '../queue/retryable-job-error.js';
import {
  type AttemptEntry,
  attemptEntry,
  deferralEntry,
  type TimelineEntry,
  timelineLogEntry,
} from '../queue/timeline.js';
import { validateJob } from '../queue/validate-job.js';
import type { AttemptRecord } from '../resilience/attempt.js';
import type { CircuitRegistry } from '../resilience/circuit-registry.js';
import { type ChainOutcome, walkChain } from '../resilience/fallback-chain.js';
import type { JobResult } from './job-result.js';
import type { JobStats } from './job-stats.js';

export interface ProcessorDeps {
  config: BreakwaterConfig;
  circuits: CircuitRegistry;
  adapter: (provider: string, model: string) => LanguageModelAdapter;
  logger: Logger;
  /** Stops the whole queue from handing out jobs for this long (every provider is open). */
  pauseQueue: (durationMs: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Spread of deferred jobs' wake-up times, so a recovering provider is not hit all at once. @defaultValue 1000 */
  deferralJitterMs?: number;
  /** Wakes deferred jobs when a provider recovers (the fleet); without it, jobs sleep on their timers. */
  wake?: DeferralWake;
  /** Counts calls, tokens, cost, fallbacks and deferrals (metrics and /v1/stats). */
  stats?: JobStats;
}

export interface DeferralWake {
  /** Whether a recovery of one of these providers will be broadcast (the fleet knows they are open). */
  willWake(providers: readonly string[]): boolean;
  /** Remembers a deferred job under its providers, once it sits in the delayed set. */
  register(jobId: string, providers: readonly string[], probeAt: number): Promise<void>;
  /** Forgets a job that was deferred and runs again, so it no longer counts as deferred. */
  forget(jobId: string, providers: readonly string[]): Promise<void>;
}

/** The longest the queue is paused at once while every provider is open; then it is looked at again. */
const maxPauseMs = 30_000;

/** The longest a deferred job sleeps on its own timer (a provider opened by hand with no end). */
const maxDeferralMs = 24 * 3_600_000;

export type Processor = (job: Job<JobData>, token?: string, signal?: AbortSignal) => Promise<JobResult>;

/**
 * Serves one job: walks its fallback chain and turns the outcome into a BullMQ verdict — complete,
 * fail for good (every provider rejected it, deadline, onAllOpen: fail), defer without spending an
 * attempt (every provider open), or an ordinary retry.
 */
export function createProcessor(deps: ProcessorDeps): Processor {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const jitterMs = deps.deferralJitterMs ?? 1_000;
  let pausedUntil = 0;
  const debug = deps.logger.isLevelEnabled('debug');

  return async (job, token, signal) => {
    // Most jobs log nothing: the child logger is made only when something is said.
    let child: Logger | undefined;
    const log = () => {
      child ??= deps.logger.child({ jobId: job.id });
      return child;
    };
    const validation = validateJob(job.data, deps.config);
    if (validation.kind === 'invalid') {
      throw new UnrecoverableError(new JobValidationError(validation.problems).message);
    }
    const { data, chain } = validation;
    const deadline = data.deadline === undefined ? undefined : Date.parse(data.deadline);
    if (deadline !== undefined && now() >= deadline) {
      throw new UnrecoverableError(`deadline exceeded (${data.deadline}) before the job could run`);
    }
    const previous = readProgress(job.progress);
    if (previous.deferredUntil !== undefined && deps.wake) {
      const providers = [...new Set((previous.lastAttempts ?? []).map((attempt) => attempt.provider))];
      void deps.wake.forget(String(job.id), providers).catch(() => undefined);
    }

    const outcome = await walkChain({
      chain,
      request: requestOf(data, job.id),
      circuits: deps.circuits,
      adapter: deps.adapter,
      now,
      ...(signal ? { signal } : {}),
      onAttempt: (attempt) => {
        if (attempt.outcome !== 'ok' || debug) logAttempt(log, attempt);
      },
    });
    const entries = timelineOf(outcome, deps.config);
    for (const entry of entries) deps.stats?.attempt(entry);
    if (outcome.kind === 'completed' && outcome.index > 0) {
      deps.stats?.fallback(outcome.entry.provider, outcome.entry.model);
    }
    // The timeline is the job's log: one log entry per run, one line per attempt (and deferral).
    // Not awaited: it goes out on the worker's connection ahead of the job's own move to completed,
    // failed or delayed, in order, without a round trip of its own.
    const record = async (extra: readonly TimelineEntry[] = []) => {
      const lines = [...entries, ...extra];
      if (lines.length === 0) return;
      await job
        .log(timelineLogEntry(lines))
        .catch((error: unknown) => log().warn({ err: error }, 'timeline lines not written'));
    };
    if (outcome.kind !== 'all-open') void record();

    switch (outcome.kind) {
      case 'completed':
        return resultOf(outcome, deps.config);
      case 'all-rejected':
        throw new UnrecoverableError(`every provider rejected the request: ${summarise(outcome.attempts)}`);
      case 'failed':
        throw new RetryableJobError(
          `every call failed: ${summarise(outcome.attempts)}`,
          outcome.retryAfterMs,
        );
      case 'aborted':
        // The worker is shutting down or the job was cancelled: hand the job back, no attempt spent.
        await job.moveToDelayed(now(), token);
        throw new DelayedError('aborted; returned to the queue');
      case 'all-open':
        return defer(job, token, data, outcome, deadline, log, record);
      default:
        throw new Error(`unknown chain outcome ${JSON.stringify(outcome satisfies never)}`);
    }
  };

  async function defer(
    job: Job<JobData>,
    token: string | undefined,
    data: JobData,
    outcome: Extract<ChainOutcome, { kind: 'all-open' }>,
    deadline: number | undefined,
    log: () => Logger,
    record: (extra?: readonly TimelineEntry[]) => Promise<unknown>,
  ): Promise<never> {
    const reason = outcome.reasons.join(', ');
    if (data.onAllOpen === 'fail') {
      void record();
      throw new UnrecoverableError(`every provider is unavailable: ${reason}`);
    }
    if (deadline !== undefined && outcome.until > deadline) {
      void record();
      throw new UnrecoverableError(`deadline exceeded while every provider was unavailable: ${reason}`);
    }
    const providers = [...new Set(outcome.attempts.map((attempt) => attempt.provider))];
    const wakeable = deps.wake?.willWake(providers) ?? false;
    // Woken by the fleet when a provider recovers, the job's own timer is a late safety net.
    const safetyMs = wakeable ? deps.config.queue.deferralSafetyMs : 0;
    const until = Math.min(
      outcome.until + safetyMs + Math.floor(random() * jitterMs),
      deadline ?? Number.POSITIVE_INFINITY,
      now() + maxDeferralMs,
    );
    const deferrals = readProgress(job.progress).deferrals + 1;
    log().info(
      { deferrals, providers, until: new Date(until).toISOString() },
      'job deferred: every provider open',
    );
    deps.stats?.deferral(providers);
    // Issued together: one round trip on the shared connection instead of several.
    await Promise.all([
      record([deferralEntry(now(), until, reason)]),
      job.updateProgress({ deferrals, deferredUntil: until, reason, lastAttempts: outcome.attempts }),
      job.moveToDelayed(until, token),
    ]);
    if (wakeable) {
      // Registered only now that the job is delayed, so a waker cannot find it still active.
      await deps.wake?.register(String(job.id), providers, outcome.until).catch((error: unknown) => {
        log().warn({ err: error }, 'deferred job not registered for early wake: its own timer will wake it');
      });
    }
    await pauseIfEveryProviderOpen();
    throw new DelayedError(`deferred until ${new Date(until).toISOString()}`);
  }

  /**
   * When every configured provider is open no job of any route can run, so the queue stops handing
   * out jobs until the first one admits a probe: the backlog stays untouched in Redis instead of
   * being churned through the workers.
   */
  async function pauseIfEveryProviderOpen(): Promise<void> {
    const openUntil = deps.circuits.everyProviderOpenUntil();
    if (openUntil === undefined) return;
    // Never longer than maxPauseMs: a provider opened by hand (no end) may be closed by hand any time.
    const until = Math.min(openUntil, now() + maxPauseMs);
    if (until <= pausedUntil) return;
    pausedUntil = until;
    await deps.pauseQueue(until - now());
  }
}

function requestOf(data: JobData, jobId: string | undefined): CompletionRequest {
  return {
    ...(data.messages === undefined ? {} : { messages: data.messages }),
    ...(data.prompt === undefined ? {} : { prompt: data.prompt }),
    ...(data.system === undefined ? {} : { system: data.system }),
    ...(data.maxTokens === undefined ? {} : { maxTokens: data.maxTokens }),
    ...(data.temperature === undefined ? {} : { temperature: data.temperature }),
    ...(jobId === undefined ? {} : { headers: { 'x-breakwater-job-id': jobId } }),
  };
}

function resultOf(
  outcome: Extract<ChainOutcome, { kind: 'completed' }>,
  config: BreakwaterConfig,
): JobResult {
  const { result, entry } = outcome;
  return {
    text: result.text,
    finishReason: result.finishReason,
    provider: entry.provider,
    model: entry.model,
    usage: result.usage,
    latencyMs: result.latencyMs,
    costUsd: costUsd(entry.model, result.usage, config.pricing),
    fallbackUsed: outcome.index > 0,
    attempts: outcome.attempts,
  };
}

/** The walk's attempts as timeline entries; the call that completed the job carries tokens and cost. */
function timelineOf(outcome: ChainOutcome, config: BreakwaterConfig): AttemptEntry[] {
  return outcome.attempts.map((attempt, index) => {
    const served = outcome.kind === 'completed' && index === outcome.attempts.length - 1;
    if (!served) return attemptEntry(attempt);
    const { usage } = outcome.result;
    return attemptEntry(attempt, { usage, costUsd: costUsd(outcome.entry.model, usage, config.pricing) });
  });
}

function summarise(attempts: AttemptRecord[]): string {
  return attempts
    .map(
      (attempt) =>
        `${attempt.provider}/${attempt.model}: ${attempt.outcome}${attempt.error ? ` (${attempt.error})` : ''}`,
    )
    .join('; ');
}

function logAttempt(log: () => Logger, attempt: AttemptRecord): void {
  const fields = {
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    ms: attempt.ms,
    code: attempt.code,
    status: attempt.status,
  };
  if (attempt.outcome === 'auth') {
    log().error(
      { ...fields, error: attempt.error },
      `provider ${attempt.provider} is misconfigured: its credentials were refused`,
    );
  } else if (attempt.outcome === 'retryable' || attempt.outcome === 'rejected') {
    log().warn({ ...fields, error: attempt.error }, 'provider call failed');
  } else {
    log().debug(fields, 'provider attempt');
  }
}

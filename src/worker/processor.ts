import { type Job, UnrecoverableError } from 'bullmq';
import type { Admission, ReadReportedLimits } from '../admission/admission.js';
import { type BatchStep, batchableRequest, withoutBatches } from '../batch/batch-step.js';
import type { BreakwaterConfig } from '../config/schema.js';
import type { Attempt } from '../contract/attempt.js';
import { readsChildResults } from '../flows/step-texts.js';
import type { Logger } from '../logging/logger.js';
import { batchCostUsd } from '../pricing/batch-cost.js';
import { costUsd } from '../pricing/cost.js';
import type { LanguageModelAdapter } from '../providers/completion.js';
import type { ProviderRequest } from '../providers/run-request.js';
import { readProgress } from '../queue/deferral.js';
import { embeddingValues } from '../queue/embedding-input.js';
import type { JobData } from '../queue/job-input.js';
import { JobValidationError } from '../queue/job-validation-error.js';
import { attemptEntry, type TimelineEntry } from '../queue/timeline.js';
import { validateStoredJob } from '../queue/validate-job.js';
import type { CircuitRegistry } from '../resilience/circuit-registry.js';
import { type ChainOutcome, type ResolvedEntry, walkChain } from '../resilience/fallback-chain.js';
import type { DeltaSink } from '../streaming/delta-sink.js';
import { StreamRelay } from '../streaming/stream-relay.js';
import { adoptPlainJob } from './adopt-plain-job.js';
import { type ApplyDeps, applyVerdict, type DeferralWake } from './apply-verdict.js';
import { attemptLogger, lazyChild } from './attempt-log.js';
import { jobAdmission } from './job-admission.js';
import { type JobResult, jobResultOf } from './job-result.js';
import type { JobStats } from './job-stats.js';
import { queuePause } from './queue-pause.js';
import { withStepResults } from './step-results.js';
import { verdictBeforeRun, verdictFor } from './verdict.js';

export type { DeferralWake } from './apply-verdict.js';

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
  /** Records a deferred job's due time where dashboards read it. */
  showDueTime?: ApplyDeps['showDueTime'];
  /** Where streamed jobs' partial text goes (`stream: true`); without it, they run unstreamed. */
  deltas?: DeltaSink;
  /** Batch entries (`batch: true`); without it they are passed over. */
  batch?: BatchStep;
  /** Instead of a deferral: a stale cached answer, when the job accepts one (the result cache). */
  staleAnswer?: (
    job: Job<JobData>,
    data: JobData,
    chain: readonly ResolvedEntry[],
  ) => Promise<JobResult | undefined>;
  /** Fleet-wide limits and budgets; without it, calls are not paced. */
  admission?: {
    gate: Admission;
    readReported: ReadReportedLimits;
    noteLimitWait?: ApplyDeps['noteLimitWait'];
  };
}

/** The longest a deferred job sleeps on its own timer (a provider opened by hand with no end). */
const maxDeferralMs = 24 * 3_600_000;

export type Processor = (job: Job<JobData>, token?: string, signal?: AbortSignal) => Promise<JobResult>;

/**
 * Serves one job: validates it, walks its fallback chain, decides a verdict from the outcome (a pure
 * function) and applies it to BullMQ.
 */
export function createProcessor(deps: ProcessorDeps): Processor {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const jitterMs = deps.deferralJitterMs ?? 1_000;
  const debug = deps.logger.isLevelEnabled('debug');
  const afterDeferral = queuePause({
    everyProviderOpenUntil: () => deps.circuits.everyProviderOpenUntil(),
    pause: deps.pauseQueue,
    now,
  });
  const willWake = (providers: readonly string[]) => deps.wake?.willWake(providers) ?? false;
  // The same for every job: built once, not per run.
  const applyDeps: ApplyDeps = {
    now,
    afterDeferral,
    ...(deps.wake ? { wake: deps.wake } : {}),
    ...(deps.stats ? { stats: deps.stats } : {}),
    ...(deps.showDueTime ? { showDueTime: deps.showDueTime } : {}),
    ...(deps.admission?.noteLimitWait ? { noteLimitWait: deps.admission.noteLimitWait } : {}),
  };

  // Per job, closures are made by factories or as methods, never bound to a name: tsx compiles
  // with esbuild's keepNames, which redefines the `name` of every named closure (~0.3 µs each).
  return async (job, token, signal) => {
    const log = lazyChild(deps.logger, job.id);
    adoptPlainJob(job, deps.config.queue);
    const validation = validateStoredJob(job.data, deps.config);
    if (validation.kind === 'invalid') {
      throw new UnrecoverableError(new JobValidationError(validation.problems).message);
    }
    const { data, chain } = validation;
    const terms = {
      onAllOpen: data.onAllOpen,
      ...(data.deadline === undefined ? {} : { deadline: Date.parse(data.deadline) }),
    };
    const early = verdictBeforeRun(terms, data.deadline, now());
    if (early) throw new UnrecoverableError(early.reason);
    const previous = readProgress(job.progress);
    if (previous.deferredUntil !== undefined && deps.wake) {
      const providers = [...new Set((previous.lastAttempts ?? []).map((attempt) => attempt.provider))];
      void deps.wake.forget(String(job.id), providers).catch(() => undefined);
    }

    // Only a flow step reading its children's results waits for a read; other jobs take no tick here.
    const request = requestOf(
      readsChildResults(job.id, data) ? await withStepResults(job, data) : data,
      job.id,
    );
    const admission = deps.admission
      ? jobAdmission({
          admission: deps.admission.gate,
          readReported: deps.admission.readReported,
          config: deps.config,
          request,
          route: data.chain ? undefined : (data.route ?? deps.config.defaultRoute),
          tenant: data.tenant,
          now,
          logger: log,
        })
      : undefined;
    const relay =
      data.stream && deps.deltas
        ? new StreamRelay({ jobId: String(job.id), sink: deps.deltas, log, now })
        : undefined;
    const batch = deps.batch ?? withoutBatches;
    const batchable = batchableRequest(request);
    const park = { job, token, log, showDueTime: deps.showDueTime };
    const resumed = await batch.resume(String(job.id), chain, now());
    if (resumed.kind === 'wait') return batch.park(park, resumed);
    const walked =
      resumed.kind === 'completed'
        ? resumed.outcome
        : await walkChain({
            chain,
            request,
            circuits: deps.circuits,
            adapter: relay ? relay.adapters(deps.adapter) : deps.adapter,
            now,
            ...(signal ? { signal } : {}),
            ...(admission ? { admission } : {}),
            ...(data.strategy === undefined ? {} : { strategy: data.strategy }),
            onAttempt: attemptLogger(log, debug),
            from: resumed.from,
            attempts: resumed.attempts,
            batch(entry) {
              return batchable !== undefined && batch.mayUse(entry, terms.deadline, now());
            },
          });
    if (relay)
      await relay.finish(
        walked.kind === 'completed'
          ? { provider: walked.entry.provider, model: walked.entry.model }
          : undefined,
      );
    if (walked.kind === 'batch') {
      if (!batchable) throw new Error('a batch entry was taken for a request batches cannot carry');
      return batch.join(park, walked, batchable);
    }
    let outcome: ChainOutcome = walked;
    if (outcome.kind === 'limited' && outcome.refusal && deps.admission) {
      // The job's turn among those waiting for the same limit: they come back one after another.
      const waiting = outcome;
      const slot = await deps.admission.gate.waitSlot(outcome.refusal).catch(() => waiting.until);
      outcome = { ...outcome, until: Math.max(outcome.until, slot) };
    }
    const attempts = pricedAttempts(outcome, deps.config);
    for (const attempt of attempts) deps.stats?.attempt(attemptEntry(attempt));
    if (outcome.kind === 'completed' && outcome.index > 0) {
      deps.stats?.fallback(outcome.entry.provider, outcome.entry.model);
    }
    const verdict = verdictFor(outcome, terms, {
      now: now(),
      willWake,
      deferralSafetyMs: deps.config.queue.deferralSafetyMs,
      jitterMs: Math.floor(random() * jitterMs),
      maxDeferralMs,
    });
    if (verdict.kind === 'defer' && deps.staleAnswer) {
      const stale = await deps.staleAnswer(job, data, chain);
      if (stale) return stale;
    }
    return applyVerdict(
      verdict,
      {
        job,
        token,
        timeline: timelineOf(outcome, attempts),
        result() {
          return jobResultOf(outcome as Extract<ChainOutcome, { kind: 'completed' }>, attempts);
        },
        log,
      },
      applyDeps,
    );
  };
}

/**
 * The run's timeline lines. A clean first-entry success writes none: the result already holds its
 * one attempt, and the job view shows it from there. Every fallback, failure and deferral is kept.
 */
function timelineOf(outcome: ChainOutcome, attempts: readonly Attempt[]): TimelineEntry[] {
  if (outcome.kind === 'completed' && attempts.length === 1) return [];
  return attempts.map(attemptEntry);
}

/**
 * The walk's attempts; the call that completed the job carries its tokens and cost. One pass, and
 * `Object.assign` rather than `{ ...attempt, costUsd }`: on Node 20 a spread of a non-empty object
 * followed by new keys costs microseconds (the same keys, in the same order).
 */
function pricedAttempts(outcome: ChainOutcome, config: BreakwaterConfig): Attempt[] {
  const completed = outcome.kind === 'completed' ? outcome : undefined;
  return outcome.attempts.map((attempt): Attempt => {
    // A call that lost a race but answered before it was aborted: what it used is paid for too.
    if (attempt.outcome === 'lost-race' && attempt.inputTokens != null && attempt.outputTokens != null) {
      const usage = { inputTokens: attempt.inputTokens, outputTokens: attempt.outputTokens };
      return Object.assign({}, attempt, { costUsd: costUsd(attempt.model, usage, config.pricing) });
    }
    if (!completed || attempt.outcome !== 'ok') return attempt;
    const { usage } = completed.result;
    return Object.assign({}, attempt, {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: (completed.batch ? batchCostUsd : costUsd)(completed.entry.model, usage, config.pricing),
    });
  });
}

function requestOf(data: JobData, jobId: string | undefined): ProviderRequest {
  if (data.kind === 'embed') {
    return {
      kind: 'embed',
      values: embeddingValues(data.input ?? []),
      ...(jobId === undefined ? {} : { headers: { 'x-breakwater-job-id': jobId } }),
    };
  }
  return {
    ...(data.messages === undefined ? {} : { messages: data.messages }),
    ...(data.prompt === undefined ? {} : { prompt: data.prompt }),
    ...(data.system === undefined ? {} : { system: data.system }),
    ...(data.maxTokens === undefined ? {} : { maxTokens: data.maxTokens }),
    ...(data.temperature === undefined ? {} : { temperature: data.temperature }),
    ...(data.output === undefined ? {} : { output: data.output }),
    ...(jobId === undefined ? {} : { headers: { 'x-breakwater-job-id': jobId } }),
  };
}

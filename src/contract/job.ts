import type { Attempt } from './attempt.js';
import type { JobBatch } from './batch.js';

export type { Attempt, AttemptOutcome } from './attempt.js';

/** An attempt in a job's timeline. */
export interface AttemptEntry extends Attempt {
  event: 'attempt';
}

/**
 * A deferral in a job's timeline: every provider of the chain was open (`outage`), or no entry had
 * capacity under a rate limit, quota or budget (`limit`); no attempt was spent.
 */
export interface DeferralEntry {
  event: 'deferral';
  at: string;
  /** When the job runs again at the latest. */
  until: string;
  /** Which providers were open or limited, and why. */
  reason: string;
  cause?: 'outage' | 'limit';
}

/** The events a webhook reports: a job's end. */
export type WebhookEventType = 'job.completed' | 'job.failed';

/** One attempt to deliver a job's webhook. */
export interface WebhookEntry {
  event: 'webhook';
  /** When the attempt started. */
  at: string;
  type: WebhookEventType;
  /** Which attempt of this delivery, from 1. */
  attempt: number;
  /** delivered (2xx); retry (tried again later); gone (410: stopped); give-up (retries ran out, or the address is refused). */
  outcome: 'delivered' | 'retry' | 'gone' | 'give-up';
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  durationMs: number;
  /** Why the attempt failed. */
  error?: string;
  /** After a failed attempt: when it is tried again. */
  nextAttemptAt?: string;
}

/** The job was served from the result cache: no provider call. */
export interface CacheEntry {
  event: 'cache';
  at: string;
  /** hit: a fresh cached answer; stale: an expired one, served while every provider was open. */
  outcome: 'hit' | 'stale';
  /** When the answer served was stored. */
  storedAt: string;
}

/** One line of a job's timeline (the same lines as its log in Bull Board). */
export type TimelineEntry = AttemptEntry | DeferralEntry | WebhookEntry | CacheEntry;

/**
 * deferred: every provider of the chain is open, or none has capacity under its limits; the job
 * waits (no attempt spent);
 * delayed: the job waits for its own delayMs or a retry backoff;
 * batched: the job waits for a provider batch (no worker slot held).
 */
export type JobState = 'waiting' | 'active' | 'deferred' | 'delayed' | 'batched' | 'completed' | 'failed';

/** Where a job finished: it will not change state again. */
export type FinishedState = Extract<JobState, 'completed' | 'failed'>;

/** What `POST /v1/jobs` (and each item of the bulk answer) returns. */
export interface AcceptedJob {
  id: string;
  state: JobState;
}

/** Unified finish reasons of a provider's answer. */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

/** Tokens as the provider reported them; null when it did not. */
export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

/** What a completed job returns: a completion's answer, or an embedding job's vectors. */
export type JobResult = CompletionJobResult | EmbeddingJobResult;

/** What a completed completion job returns. */
export interface CompletionJobResult {
  text: string;
  /** With `output`: the answer as a JSON value that validates against the job's schema. */
  object?: unknown;
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
  /** Set when a provider batch served the job (at the batch price): the batch's id. */
  batch?: { id: string };
  /** Served from the result cache: no provider call was made for this job (its cost is 0). */
  cached?: boolean;
  /** The cached answer had expired: served while every provider of the chain was open (`acceptStale`). */
  stale?: boolean;
}

/** What a completed embedding job (`kind: "embed"`) returns. */
export interface EmbeddingJobResult {
  /** One vector per input string, in order. */
  embeddings: number[][];
  provider: string;
  model: string;
  /** Embeddings have input tokens only: `outputTokens` is 0. */
  usage: TokenUsage;
  /** USD from the price table; null when the model's price or token count is unknown. */
  costUsd: number | null;
  /** True when an entry other than the chain's first served the job. */
  fallbackUsed: boolean;
  /** Every call and skip of the run that completed; the last one served the job. */
  attempts: Attempt[];
}

/** A job as `GET /v1/jobs/:id` returns it. */
export interface JobView {
  id: string;
  state: JobState;
  result?: JobResult;
  /** The last error: why the job failed, or why it is waiting for a retry. */
  error?: string;
  /** Attempts made: each failed run and the run that finished. Deferrals spend none. */
  attempts: number;
  maxAttempts: number;
  deferrals: number;
  /** While deferred: which providers were open and why. */
  reason?: string;
  /** While batched: the provider batch that has the job. */
  batch?: JobBatch;
  /** While deferred or delayed: when the job runs again (ISO). */
  nextAttemptAt?: string;
  createdAt: string;
  finishedAt?: string;
  /** Tokens over every call that returned an answer. */
  usage?: { inputTokens: number; outputTokens: number };
  /** USD over those calls; null when a model has no price. */
  costUsd?: number | null;
  /** Every attempt and deferral, oldest first. */
  timeline: TimelineEntry[];
}

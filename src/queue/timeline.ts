import { z } from 'zod';
import type { Attempt } from '../contract/attempt.js';

/** One call or skip of a chain entry (the public `Attempt`), as the API documents it. */
export const attemptSchema = z.object({
  at: z.iso.datetime().describe('When the call started, or the entry was skipped.'),
  provider: z.string(),
  model: z.string(),
  outcome: z
    .enum([
      'ok',
      'retryable',
      'auth',
      'rejected',
      'limited',
      'quota',
      'invalid-output',
      'skipped-open',
      'skipped-limit',
      'lost-race',
    ])
    .describe(
      'ok; retryable (5xx, timeout, network); auth (key refused); rejected (the request itself); limited (429: a rate limit, not an outage); quota (quota or credit exhausted); invalid-output (a structured answer that is not JSON, misses the schema or was cut off); skipped-open (breaker open, no call); skipped-limit (no capacity under a rate limit, concurrency, quota or budget: no call); lost-race (raced or hedged, another entry answered first).',
    ),
  durationMs: z.number(),
  errorClass: z
    .string()
    .optional()
    .describe('The provider error class, e.g. rate-limited, timeout, server-error.'),
  status: z.number().int().optional().describe("The provider's HTTP status, when it answered."),
  error: z.string().optional(),
  retryAfterMs: z.number().optional().describe('How long the provider asked us to wait, when it said.'),
  inputTokens: z.number().int().nullable().optional(),
  outputTokens: z.number().int().nullable().optional(),
  costUsd: z.number().nullable().optional().describe('USD for this call; null when the model has no price.'),
});

const attemptEntrySchema = attemptSchema.extend({ event: z.literal('attempt') });

const deferralEntrySchema = z.object({
  event: z.literal('deferral'),
  at: z.iso.datetime(),
  until: z.iso.datetime().describe('When the job runs again at the latest.'),
  reason: z.string().describe('Which providers were open or limited, and why.'),
  cause: z
    .enum(['outage', 'limit'])
    .optional()
    .describe(
      'outage: every provider of the chain was open; limit: no capacity (rate limit, quota, budget).',
    ),
});

export const webhookEventTypes = ['job.completed', 'job.failed'] as const;

const webhookEntrySchema = z.object({
  event: z.literal('webhook'),
  at: z.iso.datetime().describe('When the attempt to deliver the webhook started.'),
  type: z.enum(webhookEventTypes).describe('The event delivered.'),
  attempt: z.number().int().describe('Which attempt of this delivery, from 1.'),
  outcome: z
    .enum(['delivered', 'retry', 'gone', 'give-up'])
    .describe(
      'delivered (2xx); retry (anything else: tried again later); gone (410: stopped); give-up (retries ran out, or the address is refused).',
    ),
  status: z.number().int().optional().describe("The receiver's HTTP status, when it answered."),
  durationMs: z.number(),
  error: z.string().optional().describe('Why the attempt failed.'),
  nextAttemptAt: z.iso.datetime().optional().describe('After a failed attempt: when it is tried again.'),
});

const cacheEntrySchema = z.object({
  event: z.literal('cache'),
  at: z.iso.datetime(),
  outcome: z
    .enum(['hit', 'stale'])
    .describe(
      'hit: served from the result cache; stale: an expired answer served while every provider was open.',
    ),
  storedAt: z.iso.datetime().describe('When the answer served was stored.'),
});

export const timelineEntrySchema = z.discriminatedUnion('event', [
  attemptEntrySchema,
  deferralEntrySchema,
  webhookEntrySchema,
  cacheEntrySchema,
]);
export type WebhookEntry = z.infer<typeof webhookEntrySchema>;
export type CacheEntry = z.infer<typeof cacheEntrySchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type AttemptEntry = z.infer<typeof attemptEntrySchema>;

// The timeline's attempt and the public Attempt are one shape: neither may drift from the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Optional fields compared without the `undefined` zod adds to them. */
type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };
const attemptShapesAgree: Same<Defined<Omit<AttemptEntry, 'event'>>, Defined<Attempt>> = true;
void attemptShapesAgree;

/** An attempt as a timeline entry: the attempt itself, marked as one. */
export function attemptEntry(attempt: Attempt): AttemptEntry {
  return { event: 'attempt', ...attempt };
}

export function deferralEntry(
  at: number,
  until: number,
  reason: string,
  cause: 'outage' | 'limit' = 'outage',
): TimelineEntry {
  return {
    event: 'deferral',
    at: new Date(at).toISOString(),
    until: new Date(until).toISOString(),
    reason,
    cause,
  };
}

/**
 * A job's timeline lives in its BullMQ log: one log entry per run (one Redis call), one line per
 * attempt or deferral in it, so Bull Board shows the same lines the API returns and the log is
 * removed with the job. Each line reads as a sentence first, for people, then carries the entry as
 * JSON, for programs: `deferred until 2026-11-22T12:00:31.204Z: openai open until … {"event":…}`.
 */
export function timelineLogEntry(entries: readonly TimelineEntry[]): string {
  return entries.map((entry) => `${sentence(entry)} ${JSON.stringify(entry)}`).join('\n');
}

/** The marker where a line's JSON starts. */
const jsonStart = '{"event":';

/** The timeline from a job's log entries; lines that are not entries (older or foreign) are left out. */
export function parseTimeline(logEntries: readonly string[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const line of logEntries.flatMap((entry) => entry.split('\n'))) {
    // Breakwater's lines: a sentence, then the entry as JSON (or the JSON alone, as older runs wrote).
    // The JSON is the last marker: inside it, quotes are escaped, so the marker cannot occur there.
    const start = line.startsWith(jsonStart) ? 0 : line.lastIndexOf(` ${jsonStart}`) + 1;
    if (start === 0 && !line.startsWith(jsonStart)) continue;
    try {
      const parsed = timelineEntrySchema.safeParse(JSON.parse(line.slice(start)));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // not JSON: a line someone else logged
    }
  }
  return entries;
}

/** One entry in words: what happened, where, how long, and why. */
export function sentence(entry: TimelineEntry): string {
  if (entry.event === 'deferral') {
    return entry.cause === 'limit'
      ? `waiting for capacity until ${entry.until}: ${entry.reason}`
      : `deferred until ${entry.until}: ${entry.reason}`;
  }
  if (entry.event === 'webhook') return webhookSentence(entry);
  if (entry.event === 'cache') {
    return entry.outcome === 'hit'
      ? `served from the result cache (stored ${entry.storedAt}), no provider call`
      : `served a stale cached answer (stored ${entry.storedAt}): every provider was open`;
  }
  const where = `${entry.provider}/${entry.model}`;
  switch (entry.outcome) {
    case 'ok': {
      const tokens =
        entry.inputTokens == null || entry.outputTokens == null
          ? ''
          : `, ${entry.inputTokens} tokens in, ${entry.outputTokens} out`;
      const cost = entry.costUsd == null ? '' : `, $${entry.costUsd}`;
      return `${where} answered in ${entry.durationMs} ms${tokens}${cost}`;
    }
    case 'skipped-open':
      return `${where} skipped: ${entry.error ?? 'breaker open'}`;
    case 'skipped-limit':
      return `${where} skipped, no capacity: ${entry.error ?? entry.errorClass ?? 'limit'}`;
    default: {
      const status = entry.status === undefined ? '' : ` ${entry.status}`;
      const why = entry.error === undefined ? '' : `: ${entry.error}`;
      return `${where} ${entry.outcome} (${entry.errorClass ?? 'error'}${status}) after ${entry.durationMs} ms${why}`;
    }
  }
}

function webhookSentence(entry: WebhookEntry): string {
  const what = `webhook ${entry.type} attempt ${entry.attempt}`;
  const answer = entry.status === undefined ? (entry.error ?? 'no answer') : `HTTP ${entry.status}`;
  switch (entry.outcome) {
    case 'delivered':
      return `${what} delivered (${answer}) in ${entry.durationMs} ms`;
    case 'retry':
      return `${what} failed (${answer}); retried at ${entry.nextAttemptAt ?? 'a later time'}`;
    case 'gone':
      return `${what} answered 410 Gone: no more attempts`;
    case 'give-up':
      return `${what} failed; no more attempts: ${entry.error ?? answer}`;
    default:
      throw new Error(`unknown webhook outcome ${JSON.stringify(entry.outcome satisfies never)}`);
  }
}

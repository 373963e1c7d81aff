import { z } from 'zod';
import type { TokenUsage } from '../providers/completion.js';
import type { AttemptRecord } from '../resilience/attempt.js';

const attemptEntrySchema = z.object({
  event: z.literal('attempt'),
  at: z.iso.datetime().describe('When the call started, or the entry was skipped.'),
  provider: z.string(),
  model: z.string(),
  outcome: z
    .enum(['ok', 'retryable', 'auth', 'rejected', 'skipped-open'])
    .describe(
      'ok; retryable (5xx, 429, timeout); auth (key refused); rejected (the request itself); skipped-open (breaker open, no call).',
    ),
  durationMs: z.number(),
  errorClass: z
    .string()
    .optional()
    .describe('The provider error class, e.g. rate-limited, timeout, server-error.'),
  status: z.number().int().optional().describe("The provider's HTTP status, when it answered."),
  error: z.string().optional(),
  inputTokens: z.number().int().nullable().optional(),
  outputTokens: z.number().int().nullable().optional(),
  costUsd: z.number().nullable().optional().describe('USD for this call; null when the model has no price.'),
});

const deferralEntrySchema = z.object({
  event: z.literal('deferral'),
  at: z.iso.datetime(),
  until: z.iso.datetime().describe('When the job runs again at the latest.'),
  reason: z.string().describe('Which providers were open, and why.'),
});

export const timelineEntrySchema = z.discriminatedUnion('event', [attemptEntrySchema, deferralEntrySchema]);
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type AttemptEntry = z.infer<typeof attemptEntrySchema>;

/** An attempt as a timeline entry; a successful call carries its tokens and cost. */
export function attemptEntry(
  attempt: AttemptRecord,
  spent?: { usage: TokenUsage; costUsd: number | null },
): AttemptEntry {
  return {
    event: 'attempt',
    at: new Date(attempt.at).toISOString(),
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    durationMs: attempt.ms,
    ...(attempt.code ? { errorClass: attempt.code } : {}),
    ...(attempt.outcome === 'skipped-open' ? { errorClass: 'breaker-open' } : {}),
    ...(attempt.status === undefined ? {} : { status: attempt.status }),
    ...(attempt.error === undefined ? {} : { error: attempt.error }),
    ...(spent
      ? {
          inputTokens: spent.usage.inputTokens,
          outputTokens: spent.usage.outputTokens,
          costUsd: spent.costUsd,
        }
      : {}),
  };
}

export function deferralEntry(at: number, until: number, reason: string): TimelineEntry {
  return {
    event: 'deferral',
    at: new Date(at).toISOString(),
    until: new Date(until).toISOString(),
    reason,
  };
}

/**
 * A job's timeline lives in its BullMQ log: one log entry per run (one Redis call), one JSON line
 * per attempt or deferral in it, so Bull Board shows the same lines the API returns and the log is
 * removed with the job.
 */
export function timelineLogEntry(entries: readonly TimelineEntry[]): string {
  return entries.map((entry) => JSON.stringify(entry)).join('\n');
}

/** The timeline from a job's log entries; lines that are not entries (older or foreign) are left out. */
export function parseTimeline(logEntries: readonly string[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  // Only Breakwater's entries (JSON lines) are split; anyone else's entry is one foreign line.
  for (const line of logEntries.flatMap((entry) => (entry.startsWith('{') ? entry.split('\n') : [entry]))) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = timelineEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // not JSON: a line someone else logged
    }
  }
  return entries;
}

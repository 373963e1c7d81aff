import { z } from 'zod';
import { maxBulkJobs } from '../contract/job-input.js';
import { jobInputSchema } from '../queue/job-input.js';
import { attemptSchema, timelineEntrySchema, webhookEventTypes } from '../queue/timeline.js';

/**
 * The API's request and response shapes. Requests are validated with these, responses are typed by
 * them, and /openapi.json is generated from them: one source for all three.
 */

export { maxBulkJobs };

export const bulkRequestSchema = z
  .object({
    jobs: z
      .array(z.unknown())
      .min(1, 'needs at least one job')
      .max(maxBulkJobs, `at most ${maxBulkJobs} jobs per request; split the batch`),
  })
  .strict();

/** The bulk body as documented: each item is a job (validated one by one, reported by index). */
export const bulkRequestDocSchema = z.object({ jobs: z.array(jobInputSchema).min(1).max(maxBulkJobs) });

export const jobStates = [
  'waiting',
  'active',
  'deferred',
  'delayed',
  'batched',
  'completed',
  'failed',
] as const;
export const jobStateSchema = z.enum(jobStates).meta({
  description:
    'deferred: every provider of the chain is open, the job waits for one (no attempt spent); ' +
    'delayed: the job waits for its own delayMs or a retry backoff; ' +
    'batched: the job waits for a provider batch (no worker slot held)',
});

export const batchStatusSchema = z.enum([
  'submitting',
  'in-progress',
  'applying',
  'ended',
  'failed',
  'expired',
  'cancelled',
]);

export const jobBatchSchema = z
  .object({
    id: z.string().optional().describe('The batch (GET /v1/batches/{id}); absent while collecting.'),
    provider: z.string(),
    model: z.string(),
    submittedAt: z.iso.datetime().optional(),
    status: z.union([batchStatusSchema, z.literal('collecting')]),
  })
  .describe('While batched: the provider batch that has the job.');

export const batchViewSchema = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  status: batchStatusSchema,
  providerBatchId: z.string().optional().describe("The provider's own batch id, once created."),
  counts: z.object({
    total: z.number().int(),
    succeeded: z.number().int(),
    errored: z.number().int(),
    expired: z.number().int(),
  }),
  createdAt: z.iso.datetime(),
  submittedAt: z.iso.datetime().optional(),
  endedAt: z.iso.datetime().optional(),
  reason: z.string().optional().describe('Why the batch failed as a whole.'),
  costUsd: z.number().describe('USD of the items served so far, at the batch price.'),
  savedUsd: z.number().describe('What those items would have cost at list price, less what they cost.'),
});

export const batchListSchema = z.object({ batches: z.array(batchViewSchema) });
export type JobState = z.infer<typeof jobStateSchema>;

export const acceptedJobSchema = z.object({ id: z.string(), state: jobStateSchema });
export type AcceptedJob = z.infer<typeof acceptedJobSchema>;

export const bulkAcceptedSchema = z.object({ jobs: z.array(acceptedJobSchema) });

const usageSchema = z.object({ inputTokens: z.number().nullable(), outputTokens: z.number().nullable() });

export const completionResultSchema = z.object({
  text: z.string(),
  object: z
    .unknown()
    .optional()
    .describe("With output: the answer as JSON, validated against the job's schema."),
  finishReason: z.string(),
  provider: z.string(),
  model: z.string(),
  usage: usageSchema,
  latencyMs: z.number(),
  costUsd: z.number().nullable(),
  fallbackUsed: z.boolean(),
  attempts: z.array(attemptSchema),
  batch: z
    .object({ id: z.string() })
    .optional()
    .describe('Set when a provider batch served the job, at the batch price.'),
  cached: z.boolean().optional().describe('Served from the result cache: no provider call (cost 0).'),
  stale: z
    .boolean()
    .optional()
    .describe('The cached answer had expired: served while every provider was open (acceptStale).'),
});

export const embeddingResultSchema = z.object({
  embeddings: z.array(z.array(z.number())).describe('One vector per input string, in order.'),
  provider: z.string(),
  model: z.string(),
  usage: usageSchema.describe('Embeddings have input tokens only: outputTokens is 0.'),
  costUsd: z.number().nullable(),
  fallbackUsed: z.boolean(),
  attempts: z.array(attemptSchema),
});

/** A completion's answer, or an embedding job's vectors. */
export const jobResultSchema = z.union([completionResultSchema, embeddingResultSchema]);

export const jobViewSchema = z.object({
  id: z.string(),
  state: jobStateSchema,
  result: jobResultSchema.optional(),
  error: z
    .string()
    .optional()
    .describe('The last error: why the job failed, or why it is waiting for a retry.'),
  attempts: z
    .number()
    .int()
    .describe('Attempts made: each failed run and the run that finished. Deferrals spend none.'),
  maxAttempts: z.number().int(),
  deferrals: z.number().int(),
  reason: z.string().optional().describe('While deferred: which providers were open and why.'),
  batch: jobBatchSchema.optional(),
  nextAttemptAt: z.iso.datetime().optional().describe('While deferred or delayed: when the job runs again.'),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  usage: z
    .object({ inputTokens: z.number().int(), outputTokens: z.number().int() })
    .optional()
    .describe('Tokens over every call that returned an answer.'),
  costUsd: z
    .number()
    .nullable()
    .optional()
    .describe('USD over those calls, from the price table; null when a model has no price.'),
  timeline: z
    .array(timelineEntrySchema)
    .describe('Every attempt and deferral, oldest first: the same lines as the job log in Bull Board.'),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** What a job's webhook receives when it ends, signed by the Standard Webhooks convention. */
export const webhookEventSchema = z.object({
  type: z.enum(webhookEventTypes),
  timestamp: z.iso.datetime().describe('When the job ended.'),
  data: jobViewSchema.describe('The job as GET /v1/jobs/:id returned it when the event was first sent.'),
});

export const breakerStateSchema = z.enum(['closed', 'open', 'half-open']);

export const providerStatusSchema = z.object({
  name: z.string(),
  type: z.string(),
  state: breakerStateSchema,
  nextProbeAt: z.iso
    .datetime()
    .optional()
    .describe('While open: when the breaker admits its next probe call.'),
  reason: z.string().optional().describe('While open: why (the last failure, or a Retry-After hold).'),
  updatedAt: z.iso.datetime().optional().describe('When the provider entered this state.'),
  manual: z
    .object({ by: z.string(), reason: z.string() })
    .optional()
    .describe('Set when a person opened or closed it by hand.'),
  limits: z
    .object({
      capacity: z
        .enum(['available', 'rate-limited', 'quota-exhausted'])
        .describe(
          'available; rate-limited (a bucket is empty or a 429 holds it); quota-exhausted (no call until the quota resets).',
        ),
      buckets: z.array(
        z.object({
          model: z.string().optional().describe("A model's bucket; absent for the provider's whole traffic."),
          unit: z.enum(['requests', 'tokens']),
          configured: z.number().optional().describe('Per minute, from the config.'),
          learned: z.number().optional().describe("Per minute, from the provider's rate-limit headers."),
          remaining: z.number().optional().describe('Left now, on the per-minute scale.'),
          resetAt: z.iso.datetime().optional().describe('When the bucket is whole again.'),
          blockedUntil: z.iso
            .datetime()
            .optional()
            .describe('No call until then (a 429, an exhausted quota).'),
          blockReason: z.string().optional(),
        }),
      ),
      inFlight: z
        .number()
        .int()
        .optional()
        .describe('Calls in flight now, fleet-wide (with a concurrency limit).'),
      concurrency: z.number().int().optional(),
    })
    .optional()
    .describe('Limits configured and reported by the provider, what remains, and the quota state.'),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;

/** Longest reason for opening or closing a provider by hand (it is shown, logged and broadcast). */
export const maxManualReasonChars = 500;
/** Longest manual opening with a duration: one year. */
export const maxManualOpenMs = 365 * 24 * 3600 * 1000;

export const openRequestSchema = z
  .object({
    reason: z
      .string()
      .min(1, 'say why (it is logged and shown in /v1/providers)')
      .max(maxManualReasonChars, `must be at most ${maxManualReasonChars} characters`),
    by: z.string().min(1).max(100).optional().describe('Who, for the log; default "api".'),
    durationMs: z
      .number()
      .int('must be a whole number')
      .positive('must be > 0')
      .max(maxManualOpenMs, `must be at most ${maxManualOpenMs} (one year)`)
      .optional()
      .describe(
        'Open this long (at most a year), then probe as usual; without it, open until closed by hand.',
      ),
  })
  .strict();

export const closeRequestSchema = openRequestSchema.omit({ durationMs: true });

export const budgetViewSchema = z.object({
  name: z.string(),
  usd: z.number(),
  per: z.enum(['hour', 'day', 'month']),
  provider: z.string().optional(),
  route: z.string().optional(),
  tenant: z.string().optional(),
  spentUsd: z.number().describe('Spent and reserved in the current window.'),
  windowStart: z.iso.datetime(),
  resetsAt: z.iso.datetime(),
});

export const providersResponseSchema = z.object({
  providers: z.array(providerStatusSchema),
  budgets: z.array(budgetViewSchema).describe("Each budget's spend in its current window."),
  routes: z
    .array(
      z.object({
        name: z.string(),
        servedBy: z
          .object({ provider: z.string(), model: z.string(), index: z.number().int() })
          .optional()
          .describe(
            'The entry that would serve a job of this route now; absent when none could (it would wait).',
          ),
      }),
    )
    .describe(
      'Per route, the entry that would serve a job now: the first whose breaker is not open and that has capacity.',
    ),
});

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']) });

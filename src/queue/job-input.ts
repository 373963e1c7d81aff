import { z } from 'zod';
import { chainEntrySchema, tenantNamePattern } from '../config/schema.js';
import { embeddingInputSchema, kindProblems } from './embedding-input.js';
import { contentChars, imageCount, maxImagesPerJob, messageContentSchema } from './message-content.js';
import { jsonDepth, maxMetadataDepth } from './metadata-limits.js';
import { outputFieldSchema } from './output-field.js';

/**
 * Most text a job may carry, in characters: prompt, system, every message and its metadata (as JSON)
 * together (~250k tokens).
 */
export const maxPromptChars = 1_000_000;
/** Longest delay a job may ask for: one year. Later dates are not a queue's business. */
export const maxDelayMs = 365 * 24 * 3600 * 1000;
/** Most messages in one job's conversation. */
export const maxMessages = 1_000;

const tooLong = `must be at most ${maxPromptChars} characters`;

const messageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant'], { error: 'must be system, user or assistant' }),
    content: messageContentSchema(maxPromptChars, tooLong),
  })
  .strict()
  .superRefine((message, context) => {
    if (typeof message.content === 'string') return;
    if (message.role === 'system') {
      context.addIssue({
        code: 'custom',
        path: ['content'],
        message: "a system message's content is a string",
      });
    } else if (message.role === 'assistant' && imageCount(message.content) > 0) {
      context.addIssue({ code: 'custom', path: ['content'], message: 'only user messages carry images' });
    }
  });

/**
 * A job as producers submit it. Validated when enqueued and again when processed, so a job edited in
 * Redis or written by an older producer fails cleanly instead of half-running.
 */
export const jobInputSchema = z
  .object({
    route: z
      .string()
      .min(1)
      .optional()
      .describe("A route from the config; the config's defaultRoute when neither route nor chain is given."),
    chain: z
      .array(chainEntrySchema)
      .min(1, 'needs at least one entry')
      .max(10, 'at most 10 entries')
      .optional()
      .describe("The job's own fallback chain, instead of a route."),
    batch: z
      .boolean()
      .optional()
      .describe(
        "Send the route's (or chain's) first entry through its provider's batch API, at the batch price.",
      ),
    messages: z
      .array(messageSchema)
      .min(1, 'needs at least one message')
      .max(maxMessages, `at most ${maxMessages} messages`)
      .optional()
      .describe('The conversation to complete; give exactly one of messages or prompt.'),
    prompt: z
      .string()
      .min(1, 'must not be empty')
      .max(maxPromptChars, tooLong)
      .optional()
      .describe(`A single user message (at most ${maxPromptChars} characters with system).`),
    system: z.string().max(maxPromptChars, tooLong).optional().describe('System instructions.'),
    maxTokens: z
      .number()
      .int('must be a whole number')
      .positive('must be > 0')
      .optional()
      .describe('Upper bound on generated tokens.'),
    temperature: z.number().min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2').optional(),
    priority: z
      .number()
      .int()
      .min(1)
      .max(2_097_152)
      .optional()
      .describe('BullMQ priority: 1 is the highest.'),
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(maxDelayMs, `must be at most ${maxDelayMs} (one year)`)
      .optional()
      .describe(
        "Run no earlier than this many milliseconds from now (the user's own delay), at most a year.",
      ),
    deadline: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-22T12:00:00Z' })
      .optional()
      .describe('ISO time after which the job fails rather than wait any longer for a provider.'),
    idempotencyKey: z.string().min(1).max(200).optional().describe('The same key always names the same job.'),
    onAllOpen: z
      .enum(['defer', 'fail'])
      .default('defer')
      .describe('When every provider of the chain is open: wait for one (defer) or fail at once.'),
    strategy: z
      .union(
        [
          z.enum(['sequential', 'race']),
          z
            .object({
              hedgeAfterMs: z
                .number()
                .int('must be a whole number')
                .positive('must be > 0')
                .max(600_000, 'must be at most 600000 (10 minutes)'),
            })
            .strict(),
        ],
        { error: 'must be "sequential", "race" or { "hedgeAfterMs": N }' },
      )
      .optional()
      .describe(
        'How many chain entries are called at once: sequential (default), race (the first two available, first answer wins), or { hedgeAfterMs } (the next one only if the current has not answered by then).',
      ),
    webhook: z
      .object({ url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }) })
      .strict()
      .optional()
      .describe(
        "POSTed, signed (Standard Webhooks), when the job completes or fails for good; the config's webhooks.url when absent.",
      ),
    cache: z
      .union([
        z.literal(false),
        z.object({ ttlSeconds: z.number().int('must be a whole number').min(0, 'must be >= 0') }).strict(),
      ])
      .optional()
      .describe(
        "false: never served from or stored in the result cache; { ttlSeconds }: this job's own cache lifetime.",
      ),
    acceptStale: z
      .boolean()
      .optional()
      .describe(
        'While every provider of the chain is open, complete with an expired cached answer (within cache.staleIfAllOpenSeconds) instead of waiting.',
      ),
    tenant: z
      .string()
      .regex(tenantNamePattern, 'letters, digits and _.:- only, 1 to 100 characters')
      .optional()
      .describe("Who the job is for: the config's tenants caps and tenant budgets apply to it."),
    kind: z
      .enum(['complete', 'embed'])
      .optional()
      .describe(
        'complete (the default): answer messages or prompt; embed: embed input, on a route of embedding models.',
      ),
    input: embeddingInputSchema(maxPromptChars, tooLong).optional(),
    output: outputFieldSchema.optional(),
    stream: z
      .boolean()
      .optional()
      .describe(
        'Stream the answer: partial text goes out on /v1/events as job.delta events; the result is the final text only.',
      ),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        `Free data kept with the job: at most ${maxMetadataDepth} levels deep, its JSON counted in the job's ${maxPromptChars} characters.`,
      ),
  })
  .strict()
  .superRefine((job, context) => {
    for (const problem of kindProblems(job)) {
      context.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    }
    if (job.kind !== 'embed' && (job.messages === undefined) === (job.prompt === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['messages'],
        message: 'give exactly one of messages or prompt',
      });
    }
    // Depth first: measuring the size serialises the metadata, which a deep value would overflow.
    if (job.metadata !== undefined && jsonDepth(job.metadata) > maxMetadataDepth) {
      context.addIssue({
        code: 'custom',
        path: ['metadata'],
        message: `nests more than ${maxMetadataDepth} levels deep; flatten it`,
      });
      return;
    }
    const images = (job.messages ?? []).reduce((count, message) => count + imageCount(message.content), 0);
    if (images > maxImagesPerJob) {
      context.addIssue({
        code: 'custom',
        path: ['messages'],
        message: `carries ${images} images; at most ${maxImagesPerJob} per job`,
      });
    }
    const metadataChars = job.metadata === undefined ? 0 : JSON.stringify(job.metadata).length;
    const textChars = promptChars(job);
    const size = textChars + metadataChars;
    if (size > maxPromptChars) {
      const largest = metadataChars > textChars ? 'metadata' : undefined;
      context.addIssue({
        code: 'custom',
        path: [
          largest ?? (job.input !== undefined ? 'input' : job.messages === undefined ? 'prompt' : 'messages'),
        ],
        message: `prompt, system, messages, input, output schema and metadata together are ${size} characters; at most ${maxPromptChars}`,
      });
    }
    if (job.stream === true && (job.output !== undefined || job.kind === 'embed')) {
      context.addIssue({
        code: 'custom',
        path: ['stream'],
        message: 'streams free text only: not with output or kind "embed"',
      });
    }
    if (job.route !== undefined && job.chain !== undefined) {
      context.addIssue({ code: 'custom', path: ['chain'], message: 'give a route or a chain, not both' });
    }
  });

function promptChars(job: {
  prompt?: string | undefined;
  system?: string | undefined;
  messages?: { content: Parameters<typeof contentChars>[0] }[] | undefined;
  input?: string | string[] | undefined;
  output?: { schema: Record<string, unknown> } | undefined;
}): number {
  let size = (job.prompt?.length ?? 0) + (job.system?.length ?? 0);
  for (const message of job.messages ?? []) size += contentChars(message.content);
  for (const text of typeof job.input === 'string' ? [job.input] : (job.input ?? [])) size += text.length;
  // A schema too deep to serialise safely is refused by its own field, whatever its size.
  if (job.output !== undefined && jsonDepth(job.output.schema) <= maxMetadataDepth) {
    size += JSON.stringify(job.output.schema).length;
  }
  return size;
}

export type JobInput = z.input<typeof jobInputSchema>;
export type JobData = z.output<typeof jobInputSchema>;

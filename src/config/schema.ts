import { z } from 'zod';
import { apiSchema, boardSchema } from './api-schema.js';
import { budgetSchema, providerLimitsSchema, rateLimitsSchema, tenantNamePattern } from './limits-schema.js';
import { anyModelPattern, maxModelIdChars, modelIdRule } from './model-id.js';
import { positiveInt } from './positive-int.js';
import { queueSchema } from './queue-schema.js';
import { redisSchema } from './redis-schema.js';

export {
  type BudgetConfig,
  type BudgetPeriod,
  budgetPeriods,
  budgetSchema,
  type ProviderLimits,
  providerLimitsSchema,
  type RateLimits,
  rateLimitsSchema,
  tenantNamePattern,
} from './limits-schema.js';

/** The config file's shape. JSON is valid YAML; every key is documented with its default. */

export const providerTypes = ['openai', 'anthropic', 'google', 'openai-compatible', 'simulated'] as const;
export type ProviderType = (typeof providerTypes)[number];

export const wireFormats = ['openai', 'anthropic', 'google'] as const;
export type WireFormat = (typeof wireFormats)[number];

export const breakerSchema = z
  .object({
    /** Percentage of failed calls in the window that opens the breaker. @defaultValue 50 */
    errorThresholdPercentage: z
      .number({ error: 'must be a number between 1 and 100' })
      .min(1, 'must be between 1 and 100')
      .max(100, 'must be between 1 and 100')
      .default(50),
    /** Calls in the window before the breaker may open at all. @defaultValue 5 */
    volumeThreshold: positiveInt('calls').default(5),
    /** Length of the rolling statistics window. @defaultValue 60000 */
    rollingWindowMs: positiveInt('milliseconds').default(60_000),
    /** How long an open breaker waits before it lets one probe call through. @defaultValue 30000 */
    resetTimeoutMs: positiveInt('milliseconds').default(30_000),
    /** Distinct workers whose breakers must trip before the provider opens fleet-wide. @defaultValue 1 */
    quorum: positiveInt('workers').default(1),
    /** With a health probe: consecutive successful probes that close the breaker. @defaultValue 1 */
    successThreshold: positiveInt('probes').default(1),
  })
  .strict();
export type BreakerConfig = z.infer<typeof breakerSchema>;

const latencySchema = z
  .object({ min: z.number().min(0), max: z.number().min(0) })
  .strict()
  .refine((latency) => latency.max >= latency.min, 'max must be >= min');

const baseURLSchema = z.url('must be an absolute http(s) URL');

/** How a provider's batch API is used by chain entries that say `batch: true`. */
export const batchSchema = z
  .object({
    /** A provider batch is submitted as soon as this many jobs wait for it. @defaultValue 1000 */
    maxJobs: positiveInt('jobs').default(1_000),
    /** …or once the oldest job has waited this long. @defaultValue 60000 */
    maxWaitMs: positiveInt('milliseconds').default(60_000),
    /** How often a running batch is polled. @defaultValue 30000 */
    pollIntervalMs: positiveInt('milliseconds').default(30_000),
    /** The provider's completion window: a job whose deadline comes sooner skips the batch entry. @defaultValue 86400000 */
    windowMs: positiveInt('milliseconds').default(86_400_000),
    /** The batch wire format of an openai-compatible provider; other types use their own. */
    wire: z.enum(['openai']).optional(),
  })
  .strict();
export type BatchConfig = z.infer<typeof batchSchema>;
export const healthProbeSchema = z
  .object({
    /** The model the probe asks. */
    model: z.string().min(1, 'name the model the probe asks, e.g. gpt-4.1-mini'),
    /** @defaultValue ping */
    prompt: z.string().min(1).max(1_000).default('ping'),
    /** @defaultValue 1 */
    maxTokens: positiveInt('tokens').default(1),
    /** Probe an idle closed provider this often (at most once per interval fleet-wide). @defaultValue off */
    intervalMs: positiveInt('milliseconds').optional(),
  })
  .strict();
export type HealthProbeConfig = z.infer<typeof healthProbeSchema>;

/** Keys every provider type takes. */
const providerCommon = {
  /** Name of the environment variable that holds the key. Keys never go in the file. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as OPENAI_API_KEY')
    .optional(),
  /** A call is aborted after this long. @defaultValue 60000 */
  timeoutMs: positiveInt('milliseconds').default(60_000),
  breaker: breakerSchema.default(() => breakerSchema.parse({})),
  batch: batchSchema.default(() => batchSchema.parse({})),
  /**
   * A synthetic health probe: while the breaker is half-open, this request (not a job) is the probe;
   * with `intervalMs`, an idle closed provider is probed too, at most once per interval fleet-wide.
   */
  probe: healthProbeSchema.optional(),
  /** Rate limits, concurrency and quota handling, fleet-wide. @defaultValue none (or what the provider reports) */
  limits: providerLimitsSchema.default(() => providerLimitsSchema.parse({})),
};

/** A provider reached through its own wire format: OpenAI, Anthropic or Gemini. */
const wireProviderSchema = <Type extends WireFormat>(type: Type) =>
  z
    .object({
      type: z.literal(type),
      /** AI SDK convention: the API root with its version path (https://api.openai.com/v1). @defaultValue the provider's */
      baseURL: baseURLSchema.optional(),
      ...providerCommon,
    })
    .strict();

export const openaiProviderSchema = wireProviderSchema('openai');
export const anthropicProviderSchema = wireProviderSchema('anthropic');
export const googleProviderSchema = wireProviderSchema('google');

export const openaiCompatibleProviderSchema = z
  .object({
    type: z.literal('openai-compatible'),
    /** Required: the server's API root with its version path. */
    baseURL: z.url({
      error: (issue) =>
        issue.input === undefined
          ? 'an openai-compatible provider needs its baseURL, e.g. http://127.0.0.1:8000/v1'
          : 'must be an absolute http(s) URL',
    }),
    ...providerCommon,
  })
  .strict();

/**
 * A provider served by the built-in simulator in the wire format it names. Resolved into that wire
 * type with the simulator's URL before any adapter sees it (`resolveProviders`).
 */
export const simulatedProviderSchema = z
  .object({
    type: z.literal('simulated'),
    /** The root of a simulator started elsewhere (`npm run simulator`). @defaultValue an in-process one */
    baseURL: baseURLSchema.optional(),
    /** Which provider's wire format the simulator speaks. @defaultValue openai */
    wire: z.enum(wireFormats).default('openai'),
    /** The simulated provider's latency when healthy. @defaultValue none */
    latencyMs: latencySchema.optional(),
    ...providerCommon,
  })
  .strict();

/** Only `simulated` providers take these keys. */
export const simulatedOnlyKeys = ['wire', 'latencyMs'] as const;

export const providerSchema = z.discriminatedUnion(
  'type',
  [
    openaiProviderSchema,
    anthropicProviderSchema,
    googleProviderSchema,
    openaiCompatibleProviderSchema,
    simulatedProviderSchema,
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown provider type ${JSON.stringify(typeOf(issue.input))}; use one of ${providerTypes.join(', ')}`
        : undefined,
  },
);
export type ProviderConfig = z.infer<typeof providerSchema>;
export type SimulatedProviderConfig = z.infer<typeof simulatedProviderSchema>;

function typeOf(input: unknown): unknown {
  return typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
}

export const chainEntrySchema = z
  .object({
    provider: z.string().min(1, 'must name a provider'),
    model: z
      .string()
      .min(1, 'must name a model')
      .max(maxModelIdChars, `must be at most ${maxModelIdChars} characters`)
      .regex(anyModelPattern, `must be a model id: ${modelIdRule}`),
    /** Overrides the provider's timeoutMs for this entry. */
    timeoutMs: positiveInt('milliseconds').optional(),
    /** Send through the provider's batch API at its batch price; the next entry serves what it cannot. */
    batch: z.boolean().optional(),
    /**
     * When this entry has no capacity (a rate limit, a quota, a budget): try the `next` entry that
     * has, or `wait` for this one. @defaultValue next
     */
    onLimit: z.enum(['next', 'wait'], { error: 'must be next or wait' }).optional(),
  })
  .strict();
export type ChainEntry = z.infer<typeof chainEntrySchema>;

export {
  type ApiConfig,
  apiSchema,
  type BoardConfig,
  boardSchema,
  type RateLimitConfig,
  rateLimitSchema,
} from './api-schema.js';
export { type QueueConfig, queueSchema, type RetentionConfig } from './queue-schema.js';

export const priceSchema = z
  .object({
    input: z.number().min(0),
    output: z.number().min(0),
    /** Batch price per million input tokens. @defaultValue half of input */
    batchInput: z.number().min(0).optional(),
    /** Batch price per million output tokens. @defaultValue half of output */
    batchOutput: z.number().min(0).optional(),
  })
  .strict();
export const webhooksSchema = z
  .object({
    /** Where every job's end is POSTed unless the job names its own `webhook.url`. @defaultValue none */
    url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
    /** An attempt with no answer after this long counts as failed and is retried. @defaultValue 10000 */
    timeoutMs: positiveInt('milliseconds').default(10_000),
    /** Failed deliveries are retried with exponential backoff for this long, then fail. @defaultValue 86400000 */
    retryForMs: positiveInt('milliseconds').default(24 * 3_600_000),
    /** The first retry's delay; it doubles each attempt, with jitter. @defaultValue 1000 */
    backoffMs: positiveInt('milliseconds').default(1_000),
    /** The longest delay between two attempts. @defaultValue 3600000 */
    maxBackoffMs: positiveInt('milliseconds').default(3_600_000),
    /** Deliveries in flight at once per worker process. @defaultValue 50 */
    concurrency: positiveInt('deliveries').default(50),
    /**
     * Allow webhook URLs whose addresses are loopback, private, link-local or cloud metadata (for
     * receivers on your own network). @defaultValue false
     */
    allowPrivateNetworks: z.boolean().default(false),
  })
  .strict();
export type WebhooksConfig = z.infer<typeof webhooksSchema>;

export const cacheSchema = z
  .object({
    /** How long an answer is served to identical jobs; 0 turns the cache off. @defaultValue 0 */
    ttlSeconds: z.number().int('must be a whole number').min(0, 'must be >= 0').default(0),
    /**
     * How long after it expires an answer may still be served, stale, to a job with `acceptStale:
     * true` while every provider of its chain is open. @defaultValue 0
     */
    staleIfAllOpenSeconds: z.number().int('must be a whole number').min(0, 'must be >= 0').default(0),
  })
  .strict();
export type CacheConfig = z.infer<typeof cacheSchema>;

export const configSchema = z
  .object({
    providers: z
      .record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'), providerSchema)
      .refine((providers) => Object.keys(providers).length > 0, 'name at least one provider'),
    routes: z
      .record(z.string(), z.array(chainEntrySchema).min(1, 'a route needs at least one entry'))
      .refine((routes) => Object.keys(routes).length > 0, 'name at least one route'),
    /** The route a job uses when it names none. @defaultValue default */
    defaultRoute: z.string().default('default'),
    /** USD per million tokens, by model id; overrides the built-in table. */
    pricing: z.record(z.string(), priceSchema).default({}),
    queue: queueSchema.default(() => queueSchema.parse({})),
    redis: redisSchema.default(() => redisSchema.parse({})),
    board: boardSchema.default(() => boardSchema.parse({})),
    api: apiSchema.default(() => apiSchema.parse({})),
    webhooks: webhooksSchema.default(() => webhooksSchema.parse({})),
    cache: cacheSchema.default(() => cacheSchema.parse({})),
    /** USD budgets per hour, day or month, by provider, route or tenant. @defaultValue [] */
    budgets: z.array(budgetSchema).default([]),
    /** Per-tenant caps on top of the providers' limits. @defaultValue {} */
    tenants: z
      .record(
        z.string().regex(tenantNamePattern, 'letters, digits and _.:- only, at most 100'),
        rateLimitsSchema,
      )
      .default({}),
  })
  .strict();

export type BreakwaterConfig = z.infer<typeof configSchema>;

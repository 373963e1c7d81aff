import { z } from 'zod';
import type { SimulatedLimits } from './rate-limits.js';
import type { StreamPlan } from './send-stream.js';

/** What a simulated provider does with a call, before latency and error-rate modifiers. */
export type SimulatedMode =
  | { kind: 'healthy' }
  /** Answers every call with this status (500, 503, 529…) in the provider's own error format. */
  | { kind: 'down'; status: number }
  /** Never answers; the call ends only when the client aborts it. */
  | { kind: 'hang' }
  /** 429 with a Retry-After of this many seconds (as an HTTP date when `httpDate`). */
  | { kind: 'rate-limited'; retryAfterSeconds: number; httpDate?: boolean | undefined }
  /** Refuses the key: 401 (Gemini: its real 400 API_KEY_INVALID). */
  | { kind: 'unauthorized' }
  /**
   * The account's quota is spent: OpenAI 429 `insufficient_quota`, Anthropic's 400 "credit balance is
   * too low", Gemini 429 RESOURCE_EXHAUSTED naming its per-day quota.
   */
  | { kind: 'quota-exhausted' };

export interface OutageWindow {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  until: number;
  status: number;
}

export interface SimulatedProfile {
  mode: SimulatedMode;
  latencyMs: { min: number; max: number };
  /** Fraction (0..1) of otherwise healthy calls answered with `errorStatus`. */
  errorRate: number;
  errorStatus: number;
  /** Prompts matching this regular expression get a 400 (content policy). */
  rejectPattern?: string;
  outages: OutageWindow[];
  /** When set, calls must carry this key, else they get the provider's auth error. */
  apiKey?: string;
  /** Fraction (0..1) of structured answers that are invalid, as `invalidOutput` says. */
  invalidOutputRate: number;
  /** How an invalid structured answer is wrong: not JSON, or JSON that breaks the schema. */
  invalidOutput: 'bad-json' | 'schema-violation';
  /** Prompts matching this regular expression are answered with a content-filter finish. */
  contentFilterPattern?: string;
  /** Length of embedding vectors, unless the request asks for another. */
  embeddingDimensions: number;
  /** Per-minute limits enforced as continuously refilled buckets per model, reported in headers. */
  limits?: SimulatedLimits;
  /** Streamed answers: the pause between pieces of text, and a cut after K pieces (a failure midway). */
  stream: StreamPlan;
}

export const defaultProfile = (): SimulatedProfile => ({
  mode: { kind: 'healthy' },
  latencyMs: { min: 0, max: 0 },
  errorRate: 0,
  errorStatus: 500,
  outages: [],
  invalidOutputRate: 0,
  invalidOutput: 'bad-json',
  embeddingDimensions: 1536,
  stream: { chunkDelayMs: 10 },
});

const status = z.number().int().min(400).max(599);

const modeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('healthy') }),
  z.object({ kind: z.literal('down'), status: status.default(503) }),
  z.object({ kind: z.literal('hang') }),
  z.object({
    kind: z.literal('rate-limited'),
    retryAfterSeconds: z.number().min(0).default(5),
    httpDate: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('unauthorized') }),
  z.object({ kind: z.literal('quota-exhausted') }),
]);

const perMinute = z.number().positive();

/** A change to a profile, as accepted by `configure()` and the control endpoint. */
export const profilePatchSchema = z
  .object({
    mode: modeSchema.optional(),
    latencyMs: z.object({ min: z.number().min(0), max: z.number().min(0) }).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    errorStatus: status.optional(),
    rejectPattern: z.string().nullable().optional(),
    apiKey: z.string().nullable().optional(),
    invalidOutputRate: z.number().min(0).max(1).optional(),
    invalidOutput: z.enum(['bad-json', 'schema-violation']).optional(),
    contentFilterPattern: z.string().nullable().optional(),
    embeddingDimensions: z.number().int().min(1).max(8192).optional(),
    /** Per-minute limits; they replace earlier ones and start with full buckets; null removes them. */
    limits: z.object({ rpm: perMinute.optional(), tpm: perMinute.optional() }).strict().nullable().optional(),
    /** Streamed answers: pause between pieces; cut the connection after K pieces (null: never). */
    stream: z
      .object({
        chunkDelayMs: z.number().min(0).max(10_000).optional(),
        failAfterChunks: z.number().int().min(0).nullable().optional(),
      })
      .strict()
      .optional(),
    /** Outage windows relative to now; they replace earlier windows. */
    outages: z
      .array(
        z.object({
          afterMs: z.number().min(0).default(0),
          durationMs: z.number().positive(),
          status: status.default(503),
        }),
      )
      .optional(),
  })
  .strict();
export type ProfilePatch = z.input<typeof profilePatchSchema>;

export function applyPatch(profile: SimulatedProfile, input: ProfilePatch, now: number): SimulatedProfile {
  const patch = profilePatchSchema.parse(input);
  const next: SimulatedProfile = { ...profile };
  if (patch.mode) next.mode = patch.mode;
  if (patch.latencyMs) next.latencyMs = patch.latencyMs;
  if (patch.errorRate !== undefined) next.errorRate = patch.errorRate;
  if (patch.errorStatus !== undefined) next.errorStatus = patch.errorStatus;
  if (patch.rejectPattern !== undefined) {
    if (patch.rejectPattern === null) delete next.rejectPattern;
    else next.rejectPattern = patch.rejectPattern;
  }
  if (patch.apiKey !== undefined) {
    if (patch.apiKey === null) delete next.apiKey;
    else next.apiKey = patch.apiKey;
  }
  if (patch.invalidOutputRate !== undefined) next.invalidOutputRate = patch.invalidOutputRate;
  if (patch.invalidOutput !== undefined) next.invalidOutput = patch.invalidOutput;
  if (patch.embeddingDimensions !== undefined) next.embeddingDimensions = patch.embeddingDimensions;
  if (patch.contentFilterPattern !== undefined) {
    if (patch.contentFilterPattern === null) delete next.contentFilterPattern;
    else next.contentFilterPattern = patch.contentFilterPattern;
  }
  if (patch.limits !== undefined) {
    const { rpm, tpm } = patch.limits ?? {};
    if (rpm === undefined && tpm === undefined) delete next.limits;
    else next.limits = { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) };
  }
  if (patch.stream) next.stream = streamPlanOf(next.stream, patch.stream);
  if (patch.outages) {
    next.outages = patch.outages.map((outage) => ({
      from: now + outage.afterMs,
      until: now + outage.afterMs + outage.durationMs,
      status: outage.status,
    }));
  }
  return next;
}

function streamPlanOf(
  plan: StreamPlan,
  patch: { chunkDelayMs?: number | undefined; failAfterChunks?: number | null | undefined },
): StreamPlan {
  const next: StreamPlan = { chunkDelayMs: patch.chunkDelayMs ?? plan.chunkDelayMs };
  const failAfterChunks = patch.failAfterChunks === undefined ? plan.failAfterChunks : patch.failAfterChunks;
  if (failAfterChunks !== null && failAfterChunks !== undefined) next.failAfterChunks = failAfterChunks;
  return next;
}

import { z } from 'zod';
import { breakerStateSchema } from './schemas.js';

const tokensAndCost = {
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number().describe('USD over calls whose model has a price.'),
  unpricedCalls: z
    .number()
    .int()
    .describe('Successful calls to models with no price: their cost is unknown and not in costUsd.'),
};

export const providerStatsSchema = z.object({
  name: z.string(),
  state: breakerStateSchema,
  since: z.iso.datetime().optional().describe('When the breaker entered this state.'),
  nextProbeAt: z.iso.datetime().optional(),
  reason: z.string().optional(),
  calls: z.number().int().describe('Calls that reached the provider.'),
  failures: z.number().int().describe('Calls that failed because of the provider (not rejected requests).'),
  skips: z.number().int().describe('Chain entries skipped while its breaker was open.'),
  deferrals: z.number().int().describe('Jobs deferred with this provider open in their chain.'),
  deferredNow: z.number().int().describe('Jobs deferred right now with this provider in their chain.'),
  recent: z.object({
    windowMs: z.number().int(),
    calls: z.number().int(),
    failures: z.number().int(),
    failureRate: z.number().nullable().describe('failures ÷ calls over the window; null with no calls.'),
  }),
  ...tokensAndCost,
});

export const modelStatsSchema = z.object({
  provider: z.string(),
  model: z.string(),
  calls: z.record(z.string(), z.number().int()).describe('Calls by outcome: ok, or the error class.'),
  skips: z.number().int(),
  fallbacks: z.number().int().describe('Jobs this model served as a fallback.'),
  latencySecondsSum: z.number(),
  ...tokensAndCost,
});

export const statsReportSchema = z.object({
  providers: z.array(providerStatsSchema),
  models: z.array(modelStatsSchema),
  totals: z.object({ calls: z.number().int(), ...tokensAndCost }),
  jobs: z
    .record(z.string(), z.number().int())
    .describe(
      'Jobs by state: BullMQ states, where `delayed` includes jobs a worker deferred; while every ' +
        'provider is open the queue is paused and its waiting jobs count as `deferred`.',
    ),
  pricesTakenOn: z
    .string()
    .describe('When the built-in prices were taken; `pricing` in the config overrides them.'),
  webhooks: z
    .record(z.string(), z.number().int())
    .describe('Webhook delivery attempts by verdict: delivered, retry, gone (410), give-up.'),
  cache: z.object({
    hits: z.number().int().describe('Jobs served a fresh cached answer: no provider call.'),
    staleHits: z
      .number()
      .int()
      .describe('Jobs served an expired answer while every provider was open (acceptStale).'),
    misses: z.number().int().describe('Jobs that looked in the cache and found nothing.'),
    savedUsd: z.number().describe('USD the served answers cost when first computed: what the cache saved.'),
  }),
});
export type StatsReport = z.infer<typeof statsReportSchema>;
export type ProviderStats = z.infer<typeof providerStatsSchema>;

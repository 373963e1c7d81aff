import { z } from 'zod';
import { positiveInt } from './positive-int.js';

/** Limits, budgets and tenants: what admission paces calls to (docs/limits.md). */

const limitNumber = (what: string) =>
  z
    .number({ error: `must be a number (${what}); remove the key for no limit` })
    .positive(`must be > 0 (${what}); remove the key for no limit`);

/** Fleet-wide limits on calls: each absent key is no limit (or the one the provider reports). */
export const rateLimitsSchema = z
  .object({
    /** Requests per minute, fleet-wide. */
    rpm: limitNumber('requests per minute').optional(),
    /** Tokens per minute: input estimate + maxTokens when sent, settled from the reported usage. */
    tpm: limitNumber('tokens per minute').optional(),
    /** Calls in flight at once, fleet-wide. */
    concurrency: limitNumber('calls in flight').int('must be a whole number').optional(),
  })
  .strict();
export type RateLimits = z.infer<typeof rateLimitsSchema>;

export const providerLimitsSchema = rateLimitsSchema
  .extend({
    /** Per-model overrides: providers limit per model. @defaultValue {} */
    models: z.record(z.string(), rateLimitsSchema).default({}),
    /** Output tokens assumed for a job with no maxTokens, in the token estimate. @defaultValue 1000 */
    assumedOutputTokens: positiveInt('tokens').default(1_000),
    /** How long an exhausted quota with no stated reset keeps the provider out. @defaultValue 3600000 */
    quotaRecheckMs: positiveInt('milliseconds').default(3_600_000),
  })
  .strict();
export type ProviderLimits = z.infer<typeof providerLimitsSchema>;

export const budgetPeriods = ['hour', 'day', 'month'] as const;
export type BudgetPeriod = (typeof budgetPeriods)[number];

/** USD a window may spend; a call is admitted only while the matching budgets have room. */
export const budgetSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
    usd: z.number({ error: 'must be a number of US dollars' }).positive('must be > 0'),
    per: z.enum(budgetPeriods, { error: 'must be hour, day or month' }),
    /** Only calls to this provider count. */
    provider: z.string().optional(),
    /** Only jobs of this route count. */
    route: z.string().optional(),
    /** Only jobs of this tenant count. */
    tenant: z.string().optional(),
  })
  .strict();
export type BudgetConfig = z.infer<typeof budgetSchema>;

export const tenantNamePattern = /^[A-Za-z0-9_.:-]{1,100}$/;

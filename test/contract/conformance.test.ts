import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type * as Contract from '../../src/contract/index.js';
import { finalJobEvents, maxBulkJobs } from '../../src/contract/index.js';
import type * as Api from '../../src/http/schemas.js';
import type { webhookEventSchema } from '../../src/http/schemas.js';
import {
  acceptedJobSchema,
  type batchListSchema,
  errorBodySchema,
  jobStates,
  type jobViewSchema,
  providerStatusSchema,
  maxBulkJobs as serverMaxBulkJobs,
} from '../../src/http/schemas.js';
import type { statsReportSchema } from '../../src/http/stats-schema.js';
import type { jobInputSchema } from '../../src/queue/job-input.js';
import type { timelineEntrySchema } from '../../src/queue/timeline.js';
import type { JobResult as WorkerJobResult } from '../../src/worker/job-result.js';

/**
 * The contract the client sees and the schemas the server validates with, answers with and documents
 * in /openapi.json must not drift: each type-level check below fails `tsc` when one side changes
 * without the other; the runtime checks catch what types cannot see.
 */
type ServerJobView = z.output<typeof jobViewSchema>;

describe('the public contract matches the server', () => {
  it('job shapes: input, acceptance, view, result', () => {
    expectTypeOf<z.input<typeof jobInputSchema>>().toEqualTypeOf<Contract.JobInput>();
    expectTypeOf<z.output<typeof acceptedJobSchema>>().toEqualTypeOf<Contract.AcceptedJob>();
    expectTypeOf<Api.JobState>().toEqualTypeOf<Contract.JobState>();
    expectTypeOf<z.output<typeof timelineEntrySchema>>().toEqualTypeOf<Contract.TimelineEntry>();
    expectTypeOf<Omit<ServerJobView, 'result'>>().toEqualTypeOf<Omit<Contract.JobView, 'result'>>();
    // The worker stores exactly the contract's result; the documented schema admits it.
    expectTypeOf<WorkerJobResult>().toEqualTypeOf<Contract.JobResult>();
    expectTypeOf<Contract.JobResult>().toExtend<NonNullable<ServerJobView['result']>>();
    expectTypeOf<Omit<z.output<typeof webhookEventSchema>, 'data'>>().toEqualTypeOf<
      Omit<Contract.WebhookEvent, 'data'>
    >();
    expect([...jobStates]).toEqual([
      'waiting',
      'active',
      'deferred',
      'delayed',
      'batched',
      'completed',
      'failed',
    ]);
    expect(serverMaxBulkJobs).toBe(maxBulkJobs);
    expect(
      acceptedJobSchema.safeParse({ id: '1', state: 'deferred' } satisfies Contract.AcceptedJob).success,
    ).toBe(true);
  });

  it('providers, errors, stats and events', () => {
    expectTypeOf<z.output<typeof providerStatusSchema>>().toEqualTypeOf<Contract.ProviderStatus>();
    expectTypeOf<z.output<typeof errorBodySchema>>().toEqualTypeOf<Contract.ErrorBody>();
    expectTypeOf<z.output<typeof statsReportSchema>>().toEqualTypeOf<Contract.StatsReport>();
    expectTypeOf<z.output<typeof batchListSchema>>().toEqualTypeOf<Contract.BatchList>();
    const problem: Contract.ErrorBody = {
      error: {
        code: 'invalid',
        message: 'bad',
        fields: [{ path: 'jobs.0.prompt', message: 'must not be empty' }],
      },
    };
    expect(errorBodySchema.safeParse(problem).success).toBe(true);
    const status: Contract.ProviderStatus = { name: 'p', type: 'openai', state: 'half-open' };
    expect(providerStatusSchema.safeParse(status).success).toBe(true);
    expect([...finalJobEvents].sort()).toEqual(['completed', 'failed', 'removed']);
  });
});

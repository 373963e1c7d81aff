import type { Job } from 'bullmq';
import { Router } from 'express';
import type { BatchStore } from '../../batch/batch-store.js';
import { jobBatchOf } from '../../batch/batch-view.js';
import { leaveBatch } from '../../batch/leave-batch.js';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { FleetStore } from '../../fleet/fleet-store.js';
import { cancelJob } from '../../queue/cancel-job.js';
import { fieldProblems } from '../../queue/field-problems.js';
import { IdempotencyConflictError } from '../../queue/idempotency.js';
import type { JobData } from '../../queue/job-input.js';
import type { JobQueues } from '../../queue/job-queues.js';
import { type FieldProblem, JobValidationError } from '../../queue/job-validation-error.js';
import { enqueueJob, enqueueJobs, type SubmitCheck } from '../../queue/producer.js';
import type { JobResult } from '../../worker/job-result.js';
import { HttpError } from '../http-error.js';
import { jobStatus } from '../job-status.js';
import { type AcceptedJob, bulkRequestSchema } from '../schemas.js';

export interface JobRoutesOptions {
  queues: JobQueues<JobResult>;
  config: BreakwaterConfig;
  /** The fleet's breaker records: a waiting job whose providers are all open reads deferred. */
  fleet?: Pick<FleetStore, 'read'>;
  now?: () => number;
  /** Batch records: a batched job shows its batch, and a cancelled one leaves its collection. */
  batches?: BatchStore;
  /** Checks what only the server knows before enqueueing (webhook addresses, the signing secret). */
  check?: SubmitCheck;
}

/**
 * Job ids are BullMQ's counters, sharded ids (`s2-<hex>`), idempotent ids or flow steps' ids. Anything else is not a job, whatever Redis holds
 * under that name (`events`, `meta` are the queue's own keys).
 */
const jobIdPattern =
  /^(\d+|s\d{1,3}-[0-9a-f]{32}|idem-[0-9a-f]{32}|flow-[0-9a-f]{32}(-[A-Za-z0-9_-]{1,64})?)$/;

export function jobId(id: string): string {
  if (!jobIdPattern.test(id)) throw new HttpError(404, 'not-found', `no job ${id}`);
  return id;
}

/** POST /v1/jobs, POST /v1/jobs/bulk, GET and DELETE /v1/jobs/:id. */
export function jobRoutes({ queues, config, fleet, now, check, batches }: JobRoutesOptions): Router {
  const router = Router();
  const shut = fleet
    ? {
        config,
        records: () => fleet.read(),
        ...(now ? { now } : {}),
        ...(batches ? { batchOf: (id: string) => jobBatchOf(batches, id) } : {}),
      }
    : undefined;

  router.post('/jobs', async (request, response) => {
    const job = await enqueueJob(queues, config, request.body, check);
    response.status(202).json(await accepted(queues, job));
  });

  router.post('/jobs/bulk', async (request, response) => {
    const parsed = bulkRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new JobValidationError(fieldProblems(parsed.error));
    }
    try {
      const jobs = await enqueueJobs(queues, config, parsed.data.jobs, check);
      const states = await Promise.all(jobs.map((job) => accepted(queues, job)));
      response.status(202).json({ jobs: states });
    } catch (error) {
      const inBody = (problems: readonly FieldProblem[]) =>
        problems.map((problem) => ({ ...problem, path: `jobs.${problem.path}` }));
      if (JobValidationError.is(error)) throw new JobValidationError(inBody(error.problems));
      if (IdempotencyConflictError.is(error)) throw new IdempotencyConflictError(inBody(error.problems));
      throw error;
    }
  });

  router.get('/jobs/:id', async (request, response) => {
    const view = await jobStatus(queues, jobId(request.params.id), shut);
    if (!view) throw new HttpError(404, 'not-found', `no job ${request.params.id}`);
    response.json(view);
  });

  router.delete('/jobs/:id', async (request, response) => {
    const id = jobId(request.params.id);
    const queue = await queues.locate(id);
    const outcome = queue ? await cancelJob(queue, id) : { kind: 'not-found' as const };
    switch (outcome.kind) {
      case 'cancelled':
        // A batched job leaves a collection not yet submitted; a submitted batch's result for it is discarded.
        if (batches) await leaveBatch(batches, request.params.id);
        response.json({ id: request.params.id, cancelled: true });
        return;
      case 'not-found':
        throw new HttpError(404, 'not-found', `no job ${request.params.id}`);
      case 'started':
        throw new HttpError(
          409,
          'conflict',
          `job ${request.params.id} has already started (${outcome.state})`,
        );
      default:
        throw new Error(`unknown cancel outcome ${JSON.stringify(outcome satisfies never)}`);
    }
  });

  return router;
}

/**
 * The id and state right after enqueueing. A new job is waiting (or delayed, with a delayMs); a job
 * with an idempotency key may be an earlier one, so its state is read back.
 */
async function accepted(queues: JobQueues<JobResult>, job: Job<JobData, JobResult>): Promise<AcceptedJob> {
  const id = String(job.id);
  if (job.data.idempotencyKey === undefined) return { id, state: job.opts.delay ? 'delayed' : 'waiting' };
  return { id, state: (await jobStatus(queues, id))?.state ?? 'waiting' };
}

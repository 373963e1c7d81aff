import { Router } from 'express';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { Redelivery } from '../../contract/webhook-event.js';
import type { JobQueues } from '../../queue/job-queues.js';
import { enqueueDelivery, type WebhookQueue, webhookUrlOf } from '../../webhooks/webhook-queue.js';
import type { JobResult } from '../../worker/job-result.js';
import { HttpError } from '../http-error.js';
import { jobId } from './jobs.js';

export interface RedeliverRoutesOptions {
  queues: JobQueues<JobResult>;
  webhooks: WebhookQueue;
  config: BreakwaterConfig;
  now?: () => number;
}

/**
 * POST /v1/jobs/:id/redeliver: sends an ended job's webhook again, as a new delivery with its own
 * retries, carrying the same `webhook-id` (it reports the same event).
 */
export function redeliverRoutes({ queues, webhooks, config, now }: RedeliverRoutesOptions): Router {
  const router = Router();
  router.post('/jobs/:id/redeliver', async (request, response) => {
    const id = jobId(request.params.id);
    const queue = await queues.locate(id);
    const state = (await queue?.getJobState(id)) ?? 'unknown';
    const job = state === 'unknown' ? undefined : await queue?.getJob(id);
    if (!job) throw new HttpError(404, 'not-found', `no job ${id}`);
    if (state !== 'completed' && state !== 'failed') {
      throw new HttpError(
        409,
        'conflict',
        `job ${id} has not ended (${state}); its webhook is sent when it does`,
      );
    }
    const url = webhookUrlOf(job.data, config);
    if (url === undefined) {
      throw new HttpError(
        409,
        'conflict',
        `job ${id} has no webhook (job field webhook.url, or webhooks.url)`,
      );
    }
    const type = state === 'completed' ? 'job.completed' : 'job.failed';
    await enqueueDelivery(webhooks, config, {
      jobId: id,
      type,
      url,
      at: job.finishedOn ?? (now ?? Date.now)(),
      redelivery: true,
    });
    const queued: Redelivery = { id, type, queued: true };
    response.status(202).json(queued);
  });
  return router;
}

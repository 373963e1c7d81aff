import { setTimeout as delay } from 'node:timers/promises';
import { Job } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import { jobStatus } from '../http/job-status.js';
import type { Logger } from '../logging/logger.js';
import type { Secret } from '../logging/secret.js';
import { queueKeyOf } from '../queue/bullmq-internals.js';
import { maxTimelineRuns } from '../queue/job-options.js';
import { JobQueues } from '../queue/job-queues.js';
import { timelineLogEntry } from '../queue/timeline.js';
import { bullConnection } from '../redis/redis-client.js';
import { type DeliveryStats, startDeliveryWorker } from '../webhooks/delivery-worker.js';
import { enqueueDelivery, openWebhookQueue, webhookUrlOf } from '../webhooks/webhook-queue.js';
import { WebhookSigner } from '../webhooks/webhook-signer.js';
import type { JobResult } from '../worker/job-result.js';
import type { JobEndListener } from '../worker/report-job-end.js';

export interface WebhookRuntimeOptions {
  config: BreakwaterConfig;
  redisUrl: string;
  /** BREAKWATER_WEBHOOK_SECRET; without it this process enqueues deliveries but sends none. */
  secret: Secret | undefined;
  logger: Logger;
  stats?: DeliveryStats;
  now?: () => number;
}

export interface WebhookRuntime {
  /** Enqueues the delivery of a job's end, when the job (or the config) names a webhook. */
  readonly onJobEnd: JobEndListener;
  /** Stops sending (in-flight attempts finish), then closes the queues. Idempotent. */
  close(): Promise<void>;
}

const closeTimeoutMs = 2_000;

/** A worker process's webhooks: the delivery queue it reports job ends to, and the worker that sends them. */
export function startWebhookRuntime(options: WebhookRuntimeOptions): WebhookRuntime {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const bull = bullConnection(options.redisUrl);
  const { connection } = bull;
  const queueKey = queueKeyOf(config.queue.name);
  const deliveries = openWebhookQueue(queueKey, connection);
  const jobs = JobQueues.open<JobResult>(config.queue.name, config.queue.shards, connection);
  deliveries.on('error', (error: Error) => logger.warn({ err: error }, 'webhook queue connection error'));
  jobs.on('error', (error: Error) => logger.warn({ err: error }, 'queue connection error'));
  const sender = options.secret
    ? startDeliveryWorker({
        config: config.webhooks,
        queueKey,
        connection,
        signer: new WebhookSigner(options.secret),
        view: (jobId) => jobStatus(jobs, jobId),
        appendTimeline: async (jobId, entry) => {
          const queue = await jobs.locate(jobId);
          if (queue) await Job.addJobLog(queue, jobId, timelineLogEntry([entry]), maxTimelineRuns);
        },
        logger,
        ...(options.stats ? { stats: options.stats } : {}),
        ...(options.now ? { now: options.now } : {}),
      })
    : undefined;
  // Said once, when the first delivery is queued: most fleets without the secret use no webhooks.
  let unsentSaid = false;

  let closing: Promise<void> | undefined;
  return {
    async onJobEnd(job, type) {
      const url = webhookUrlOf(job.data, config);
      if (url === undefined) return;
      await enqueueDelivery(deliveries, config, { jobId: String(job.id), type, url, at: now() });
      if (!sender && !unsentSaid) {
        unsentSaid = true;
        logger.warn(
          'webhook deliveries are queued, but this worker does not send them: set BREAKWATER_WEBHOOK_SECRET',
        );
      }
    },
    close() {
      closing ??= (async () => {
        await sender?.close();
        // With Redis gone a queue's close waits for it: bounded, then its connection is cut.
        const closed = Promise.all([deliveries.close(), jobs.close()]).then(
          () => true,
          () => true,
        );
        if (!(await Promise.race([closed, delay(closeTimeoutMs, false)]))) {
          for (const queue of [deliveries, ...jobs.shards]) void queue.disconnect().catch(() => undefined);
        }
        bull.close();
      })();
      return closing;
    },
  };
}

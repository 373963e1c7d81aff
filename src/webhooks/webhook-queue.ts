import { type ConnectionOptions, Queue } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { WebhookEventType } from '../contract/job.js';
import { keepJobs } from '../queue/job-options.js';
import { BreakwaterKeys } from '../redis/breakwater-keys.js';

/** One webhook to deliver: a job's end, to a URL. */
export interface DeliveryData {
  /** The Breakwater job that ended. */
  jobId: string;
  type: WebhookEventType;
  url: string;
  /** The `webhook-id`: the same for every attempt and redelivery of this job's event. */
  messageId: string;
  /** When the event happened (epoch ms): the body's `timestamp`. */
  at: number;
  /** The signed body, fixed at the first attempt so every retry sends the same event. */
  body?: string;
  /** Times the delivery ran before its first attempt (its job had not ended yet): not attempts. */
  startsBeforeBody?: number;
}

/** The delivery queue's name; its prefix puts it under the Breakwater queue's keys. */
export const webhookQueueName = 'webhooks';

export type WebhookQueue = Queue<DeliveryData>;

/** The queue of a Breakwater queue's webhook deliveries (`queueKey`: `bull:<queue>`). */
export function openWebhookQueue(queueKey: string, connection: ConnectionOptions): WebhookQueue {
  return new Queue<DeliveryData>(webhookQueueName, {
    connection,
    prefix: new BreakwaterKeys(queueKey).webhookPrefix,
  });
}

/** The URL a job's end is sent to: its own, else the config's default; undefined for none. */
export function webhookUrlOf(data: unknown, config: BreakwaterConfig): string | undefined {
  const webhook =
    typeof data === 'object' && data !== null ? (data as { webhook?: unknown }).webhook : undefined;
  const own =
    typeof webhook === 'object' && webhook !== null ? (webhook as { url?: unknown }).url : undefined;
  return typeof own === 'string' ? own : config.webhooks.url;
}

const eventSuffix = { 'job.completed': 'completed', 'job.failed': 'failed' } as const;

export interface DeliveryRequest {
  jobId: string;
  type: WebhookEventType;
  url: string;
  at: number;
  /** A redelivery asked for by hand: a new delivery of the same message, beside any earlier one. */
  redelivery?: boolean;
}

/**
 * Enqueues a delivery. The BullMQ job id is the job's and the event's: a job whose end is reported
 * twice (its worker died after reporting) is delivered once. A redelivery gets an id of its own.
 */
export async function enqueueDelivery(
  queue: WebhookQueue,
  config: BreakwaterConfig,
  request: DeliveryRequest,
): Promise<void> {
  const suffix = eventSuffix[request.type];
  const deliveryId = `${request.jobId}-${suffix}${request.redelivery ? `-redelivery-${request.at}` : ''}`;
  const data: DeliveryData = {
    jobId: request.jobId,
    type: request.type,
    url: request.url,
    messageId: `bw_${config.queue.name}_${request.jobId}_${suffix}`,
    at: request.at,
  };
  await queue.add(request.type, data, {
    jobId: deliveryId,
    // Retries of an attempt's outcome are the worker's (moved to delayed, no attempt spent); these
    // are for the unexpected, such as Redis failing while the body is stored.
    attempts: 10,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: keepJobs(config.queue.keepCompleted),
    removeOnFail: keepJobs(config.queue.keepFailed),
  });
}

import type { JobView, WebhookEventType } from './job.js';

/**
 * The body Breakwater POSTs to a job's webhook when the job completes or fails for good, signed by
 * the Standard Webhooks convention (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The
 * `webhook-id` is the same for every attempt of one job's one event: receivers de-duplicate on it.
 */
export interface WebhookEvent {
  type: WebhookEventType;
  /** When the job ended (ISO). */
  timestamp: string;
  /** The job as `GET /v1/jobs/:id` returned it when the event was first sent. */
  data: JobView;
}

/** What `POST /v1/jobs/:id/redeliver` returns: the event queued for delivery again. */
export interface Redelivery {
  id: string;
  type: WebhookEventType;
  queued: true;
}

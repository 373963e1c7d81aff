import { type ConnectionOptions, DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { WebhooksConfig } from '../config/schema.js';
import type { JobView } from '../contract/job.js';
import type { WebhookEvent } from '../contract/webhook-event.js';
import type { Logger } from '../logging/logger.js';
import { timelineLogEntry, type WebhookEntry } from '../queue/timeline.js';
import { BreakwaterKeys } from '../redis/breakwater-keys.js';
import { type DeliveryOutcome, type DeliveryVerdict, deliveryVerdict } from './delivery-verdict.js';
import { postWebhook } from './post-webhook.js';
import type { ResolveHost } from './webhook-address.js';
import { type DeliveryData, webhookQueueName } from './webhook-queue.js';
import type { WebhookSigner } from './webhook-signer.js';

/** Counts deliveries' attempts by verdict (metrics and /v1/stats). */
export interface DeliveryStats {
  webhook(outcome: DeliveryVerdict['kind']): void;
}

export interface DeliveryWorkerOptions {
  config: WebhooksConfig;
  /** The Breakwater queue's key (`bull:<queue>`): deliveries live under it. */
  queueKey: string;
  connection: ConnectionOptions;
  signer: WebhookSigner;
  /** The job as `GET /v1/jobs/:id` shows it (the event's `data`); undefined once it is gone. */
  view: (jobId: string) => Promise<Pick<JobView, 'id' | 'state'> | undefined>;
  /** Adds an attempt to the job's timeline (its log). */
  appendTimeline: (jobId: string, entry: WebhookEntry) => Promise<void>;
  logger: Logger;
  stats?: DeliveryStats;
  now?: () => number;
  random?: () => number;
  resolve?: ResolveHost;
}

/** How long a delivery waits when it finds its job not yet recorded as ended (a few ms race). */
const notEndedYetMs = 200;

/**
 * The worker that POSTs webhooks, one BullMQ job per delivery. Each attempt is signed afresh (the
 * timestamp must be recent), written to the job's timeline and the delivery's own log (Bull Board),
 * and decided by `deliveryVerdict`: retries are the delivery moved to delayed, a give-up fails it.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): Worker<DeliveryData> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const policy = {
    allowPrivateNetworks: options.config.allowPrivateNetworks,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };

  const deliver = async (job: Job<DeliveryData>, token: string | undefined, signal?: AbortSignal) => {
    const body = job.data.body ?? (await firstBody(job));
    if (body === undefined) {
      if (now() - job.timestamp > options.config.retryForMs) {
        throw new UnrecoverableError(`job ${job.data.jobId} never ended; nothing delivered`);
      }
      await job.moveToDelayed(now() + notEndedYetMs, token);
      throw new DelayedError('the job has not ended yet');
    }
    const started = now();
    const outcome = await postWebhook({
      url: job.data.url,
      body,
      headers: options.signer.headers(job.data.messageId, new Date(started), body),
      timeoutMs: options.config.timeoutMs,
      policy,
      now,
      ...(signal ? { signal } : {}),
    });
    const attempt = job.attemptsStarted - (job.data.startsBeforeBody ?? 0);
    const verdict = deliveryVerdict(outcome, {
      now: now(),
      firstAt: job.timestamp,
      attempts: attempt,
      retryForMs: options.config.retryForMs,
      backoffMs: options.config.backoffMs,
      maxBackoffMs: options.config.maxBackoffMs,
      jitter: random(),
    });
    options.stats?.webhook(verdict.kind);
    const entry = webhookEntry(job.data, attempt, started, outcome, verdict);
    await Promise.all([
      options
        .appendTimeline(job.data.jobId, entry)
        .catch((error: unknown) =>
          options.logger.warn(
            { err: error, jobId: job.data.jobId },
            'webhook attempt not written to the timeline',
          ),
        ),
      // A lost log line must not fail (and so repeat) an attempt already made.
      job.log(timelineLogEntry([entry])).catch(() => undefined),
    ]);
    switch (verdict.kind) {
      case 'delivered':
        return { status: outcome.kind === 'answered' ? outcome.status : 0, attempts: attempt };
      case 'retry':
        await job.moveToDelayed(now() + verdict.delayMs, token);
        throw new DelayedError(verdict.reason);
      case 'gone':
      case 'give-up':
        options.logger.warn(
          { jobId: job.data.jobId, type: job.data.type, attempts: attempt, reason: verdict.reason },
          'webhook not delivered',
        );
        throw new UnrecoverableError(verdict.reason);
      default:
        throw new Error(`unknown delivery verdict ${JSON.stringify(verdict satisfies never)}`);
    }
  };

  /** The event's body from the ended job, kept in the delivery so retries send the same event. */
  const firstBody = async (job: Job<DeliveryData>): Promise<string | undefined> => {
    const view = await options.view(job.data.jobId);
    if (view && view.state !== 'completed' && view.state !== 'failed') return undefined;
    const ended = job.data.type === 'job.completed' ? 'completed' : 'failed';
    if (view && view.state !== ended) {
      // Reported just before BullMQ recorded it, the end did not happen (the worker lost the job,
      // which then ended otherwise and reported that): nothing to send.
      throw new UnrecoverableError(`job ${job.data.jobId} ended ${view.state}, not ${ended}`);
    }
    const event: Omit<WebhookEvent, 'data'> & { data: Pick<JobView, 'id' | 'state'> } = {
      type: job.data.type,
      timestamp: new Date(job.data.at).toISOString(),
      // A job removed before its first delivery (retention of 0) is reported by id alone.
      data: view ?? gone(job.data),
    };
    const body = JSON.stringify(event);
    await job.updateData({ ...job.data, body, startsBeforeBody: job.attemptsStarted - 1 });
    return body;
  };

  const worker = new Worker<DeliveryData>(webhookQueueName, deliver, {
    connection: options.connection,
    prefix: new BreakwaterKeys(options.queueKey).webhookPrefix,
    concurrency: options.config.concurrency,
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'webhook worker error'));
  return worker;
}

function gone(data: DeliveryData): JobView {
  const at = new Date(data.at).toISOString();
  return {
    id: data.jobId,
    state: data.type === 'job.completed' ? 'completed' : 'failed',
    attempts: 0,
    maxAttempts: 0,
    deferrals: 0,
    createdAt: at,
    finishedAt: at,
    timeline: [],
  };
}

function webhookEntry(
  data: DeliveryData,
  attempt: number,
  started: number,
  outcome: DeliveryOutcome,
  verdict: DeliveryVerdict,
): WebhookEntry {
  return {
    event: 'webhook',
    at: new Date(started).toISOString(),
    type: data.type,
    attempt,
    outcome: verdict.kind,
    durationMs: outcome.durationMs,
    ...(outcome.kind === 'answered' ? { status: outcome.status } : { error: outcome.error }),
    // Why it stopped: retries ran out (and after how many), or the address was refused.
    ...(verdict.kind === 'give-up' ? { error: verdict.reason } : {}),
    ...(verdict.kind === 'retry'
      ? { nextAttemptAt: new Date(started + outcome.durationMs + verdict.delayMs).toISOString() }
      : {}),
  };
}

import type { FlowProducer, Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';
import type { LimitsStore } from '../admission/limits-store.js';
import type { BatchStore } from '../batch/batch-store.js';
import type { BreakwaterConfig } from '../config/schema.js';
import type { FleetStore } from '../fleet/fleet-store.js';
import type { FlowStore } from '../flows/flow-record.js';
import type { Logger } from '../logging/logger.js';
import { registerBatchMetrics } from '../metrics/batch-metrics.js';
import { createMetricsRegistry } from '../metrics/metrics-registry.js';
import type { JobQueues } from '../queue/job-queues.js';
import { readSnapshot } from '../stats/read-snapshot.js';
import type { StatsStore } from '../stats/stats-store.js';
import type { WebhookQueue } from '../webhooks/webhook-queue.js';
import { webhookSubmitCheck } from '../webhooks/webhook-submit-check.js';
import type { JobResult } from '../worker/job-result.js';
import { requireToken } from './auth.js';
import { boardPath, boardRouter } from './board.js';
import { parseByteSize, refuseDeclaredOversize } from './declared-length.js';
import { docsPage } from './docs-page.js';
import { errorHandler, notFound } from './error-handler.js';
import { hostGuard } from './host-guard.js';
import { HttpError } from './http-error.js';
import { openApiDocument } from './openapi.js';
import { pageHeaders } from './page-headers.js';
import { panelRoutes } from './panel/panel-routes.js';
import { requireJson } from './require-json.js';
import { batchRoutes } from './routes/batches.js';
import { flowRoutes } from './routes/flows.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { providerRoutes } from './routes/providers.js';
import { redeliverRoutes } from './routes/redeliver.js';
import { statsRoutes } from './routes/stats.js';

export interface AppOptions {
  config: BreakwaterConfig;
  /** The job queue: every shard of it. */
  queues: JobQueues<JobResult>;
  fleet: FleetStore;
  /** The fleet's call, token and cost totals. */
  stats: StatsStore;
  /** What admission keeps: limits, quotas, budgets, jobs waiting for capacity. */
  limits?: LimitsStore;
  logger: Logger;
  /** Resolves when Redis answers (for /readyz). */
  pingRedis: () => Promise<unknown>;
  /** Whether the Redis connection is up; an unexpected error while it is down is a 503. */
  redisAvailable: () => boolean;
  /** BREAKWATER_API_TOKEN; when set, /v1/* and /admin/* need it. */
  token?: string | undefined;
  /** Largest accepted JSON body. @defaultValue '10mb' (a full bulk request of long prompts) */
  bodyLimit?: string;
  version?: string;
  /** Batch records (GET /v1/batches, batched jobs' views). */
  batches?: BatchStore;
  /** The provider batches' queue, shown in Bull Board. */
  batchQueue?: Queue;
  /** Runs before a job is submitted (POST /v1/jobs, /v1/jobs/bulk, /v1/flows): the rate limit. */
  submitGuard?: RequestHandler;
  /** Webhook deliveries (redelivery, Bull Board); without it, jobs' webhooks are refused as unsigned. */
  webhooks?: { queue: WebhookQueue; secretSet: boolean };
  /** Multi-step flows (POST /v1/flows); without it, /v1/flows is not served. */
  flows?: { producer: FlowProducer; store: FlowStore };
}

/** The HTTP API, its docs and Bull Board, as one Express app (no listening: the caller decides). */
export function createApp(options: AppOptions): Express {
  const { config, queues, logger, token } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const bodyLimit = options.bodyLimit ?? '10mb';

  // Probes (load balancers, Kubernetes) name the API by its address; the answer is only "ok".
  app.use(healthRoutes({ pingRedis: options.pingRedis }));
  // Before auth, so a page that rebinds its name to this API is refused whatever it sends.
  app.use(hostGuard({ allowedHosts: config.api.allowedHosts, hostCheck: config.api.hostCheck, token }));
  app.use(refuseDeclaredOversize(parseByteSize(bodyLimit)));
  const spec = openApiDocument(options.version ?? '0.0.0');
  app.get('/openapi.json', (_request, response) => {
    response.json(spec);
  });
  app.get('/docs', pageHeaders, (_request, response) => {
    response.type('html').send(docsPage);
  });

  const snapshot = () =>
    readSnapshot({
      config,
      queue: queues,
      fleet: options.fleet,
      stats: options.stats,
      ...(options.limits ? { limits: options.limits } : {}),
    });
  const metrics = createMetricsRegistry(snapshot);
  if (options.batches) registerBatchMetrics(metrics, options.batches);
  app.get('/metrics', requireToken({ token }), async (_request, response) => {
    response.type(metrics.contentType).send(await metrics.metrics());
  });

  const v1 = express.Router();
  v1.use(requireToken({ token }));
  v1.get('/events', () => {
    throw new HttpError(
      426,
      'upgrade-required',
      'GET /v1/events is a WebSocket: connect with a WebSocket client',
    );
  });
  // A redelivery is an action on a job and carries no body.
  if (options.webhooks) v1.use(redeliverRoutes({ queues, webhooks: options.webhooks.queue, config }));
  v1.post('/{*path}', requireJson);
  v1.use(express.json({ limit: bodyLimit }));
  if (options.submitGuard) v1.post(['/jobs', '/jobs/bulk', '/flows'], options.submitGuard);
  const check = webhookSubmitCheck({ config, secretSet: options.webhooks?.secretSet ?? false });
  v1.use(
    jobRoutes({
      queues,
      config,
      fleet: options.fleet,
      check,
      ...(options.batches ? { batches: options.batches } : {}),
    }),
  );
  if (options.batches) v1.use(batchRoutes(options.batches));
  if (options.flows) v1.use(flowRoutes({ queues, config, ...options.flows, fleet: options.fleet, check }));
  v1.use(
    providerRoutes({
      config,
      fleet: options.fleet,
      logger,
      ...(options.limits ? { limits: options.limits } : {}),
    }),
  );
  v1.use(
    statsRoutes({
      config,
      queue: queues,
      fleet: options.fleet,
      stats: options.stats,
      ...(options.limits ? { limits: options.limits } : {}),
    }),
  );
  app.use('/v1', v1);

  if (config.board.enabled) {
    app.use('/admin', pageHeaders, requireToken({ token, basic: true }));
    app.use(
      '/admin',
      panelRoutes({
        config,
        queue: queues,
        fleet: options.fleet,
        stats: options.stats,
        token,
        logger,
        ...(options.limits ? { limits: options.limits } : {}),
      }),
    );
    app.use(
      boardPath,
      boardRouter(
        config.queue.name,
        queues.shards,
        config.board,
        options.webhooks?.queue,
        options.batchQueue,
      ),
    );
  }

  app.use(notFound);
  app.use(errorHandler(logger, options.redisAvailable));
  return app;
}

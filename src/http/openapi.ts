import { jobInputSchema } from '../queue/job-input.js';
import { flowDocSchemas } from './flow-docs.js';
import {
  bodyErrors,
  error,
  idParameter,
  type JsonObject,
  jobEndedCallback,
  json,
  nameParameter,
  schemaOf,
  v1Errors,
} from './openapi-parts.js';
import {
  acceptedJobSchema,
  batchListSchema,
  batchViewSchema,
  bulkAcceptedSchema,
  bulkRequestDocSchema,
  closeRequestSchema,
  errorBodySchema,
  healthSchema,
  jobViewSchema,
  maxBulkJobs,
  openRequestSchema,
  providerStatusSchema,
  providersResponseSchema,
  webhookEventSchema,
} from './schemas.js';
import { statsReportSchema } from './stats-schema.js';

/** The OpenAPI 3.0 document, generated from the zod schemas that validate requests. */
export function openApiDocument(version: string): JsonObject {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Breakwater',
      version,
      description:
        'Submit non-urgent AI jobs; workers run them through per-provider circuit breakers and each ' +
        "job's fallback chain, and defer them (no attempt spent) while every provider is down.",
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'BREAKWATER_API_TOKEN' } },
      schemas: {
        JobInput: schemaOf(jobInputSchema, 'input'),
        BulkRequest: schemaOf(bulkRequestDocSchema, 'input'),
        AcceptedJob: schemaOf(acceptedJobSchema, 'output'),
        BulkAccepted: schemaOf(bulkAcceptedSchema, 'output'),
        JobView: schemaOf(jobViewSchema, 'output'),
        WebhookEvent: schemaOf(webhookEventSchema, 'output'),
        Providers: schemaOf(providersResponseSchema, 'output'),
        Provider: schemaOf(providerStatusSchema, 'output'),
        OpenRequest: schemaOf(openRequestSchema, 'input'),
        CloseRequest: schemaOf(closeRequestSchema, 'input'),
        Health: schemaOf(healthSchema, 'output'),
        Stats: schemaOf(statsReportSchema, 'output'),
        Batches: schemaOf(batchListSchema, 'output'),
        Batch: schemaOf(batchViewSchema, 'output'),
        Error: schemaOf(errorBodySchema, 'output'),
        ...flowDocSchemas,
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/jobs': {
        post: {
          summary: 'Submit one job',
          description:
            'The same idempotencyKey always names the same job: a repeat returns it, not a new one.',
          requestBody: { required: true, ...json('JobInput') },
          callbacks: { jobEnded: jobEndedCallback },
          responses: {
            202: { description: 'Enqueued', ...json('AcceptedJob') },
            400: error('Invalid job; `fields` names each offending field'),
            409: error('The idempotencyKey already names a job with different content'),
            429: error('Over the submission rate limit (api.rateLimit); Retry-After says when to retry'),
            ...bodyErrors,
            ...v1Errors,
          },
        },
      },
      '/v1/jobs/bulk': {
        post: {
          summary: `Submit up to ${maxBulkJobs} jobs atomically`,
          description: 'Every job is validated first; if any is invalid, nothing is enqueued.',
          requestBody: { required: true, ...json('BulkRequest') },
          responses: {
            202: { description: 'All enqueued', ...json('BulkAccepted') },
            400: error('Invalid jobs, reported by index (`jobs.3.prompt`); nothing enqueued'),
            409: error('An idempotencyKey already names a job with different content; nothing enqueued'),
            429: error('Over the submission rate limit (api.rateLimit; each job counts); nothing enqueued'),
            ...bodyErrors,
            ...v1Errors,
          },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: "A job's state, result or error",
          parameters: [idParameter],
          responses: {
            200: { description: 'The job', ...json('JobView') },
            404: error('Unknown job'),
            ...v1Errors,
          },
        },
        delete: {
          summary: 'Cancel a job that has not started',
          parameters: [idParameter],
          responses: {
            200: {
              description: 'Cancelled',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            404: error('Unknown job'),
            409: error('The job is running or finished'),
            ...v1Errors,
          },
        },
      },
      '/v1/flows': {
        post: {
          summary: 'Submit a flow: a tree of steps, children first, each its own job',
          description:
            "Children run in parallel, each with its own chain, breakers, deferral and limits; a step's " +
            "texts may name its children's results. A child that fails for good fails its parent unless " +
            "it is optional. The flow's id is its root's job id: events and waiting work as for a job.",
          requestBody: { required: true, ...json('FlowInput') },
          responses: {
            202: { description: 'Enqueued, every step at once', ...json('AcceptedFlow') },
            400: error(
              'Invalid flow, each problem named by its path (`root.children.2.prompt`): a bad step, a duplicate id, a reference to an unknown step or a cycle, too many steps or levels; nothing enqueued',
            ),
            429: error('Over the submission rate limit (api.rateLimit)'),
            ...bodyErrors,
            ...v1Errors,
          },
        },
      },
      '/v1/flows/{id}': {
        get: {
          summary: "A flow's tree with each step's state and result",
          parameters: [idParameter],
          responses: {
            200: { description: 'The flow', ...json('FlowView') },
            404: error('Unknown flow'),
            ...v1Errors,
          },
        },
      },
      '/v1/jobs/{id}/redeliver': {
        post: {
          summary: "Send an ended job's webhook again",
          description:
            "A new delivery of the job's completed or failed event, with its own retries and the same " +
            '`webhook-id` (receivers that saw it already can de-duplicate). Each attempt joins the timeline.',
          parameters: [idParameter],
          responses: {
            202: {
              description: 'Queued for delivery',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      type: { type: 'string', enum: ['job.completed', 'job.failed'] },
                      queued: { type: 'boolean' },
                    },
                  },
                },
              },
            },
            404: error('Unknown job'),
            409: error('The job has not ended, or has no webhook'),
            ...v1Errors,
          },
        },
      },
      '/v1/providers': {
        get: {
          summary: "Each provider's breaker state and when it next admits a probe",
          responses: { 200: { description: 'Providers', ...json('Providers') }, ...v1Errors },
        },
      },
      '/v1/providers/{name}/open': {
        post: {
          summary: 'Open a provider fleet-wide by hand (maintenance, a revoked key)',
          description:
            'Every worker skips the provider at once. With durationMs, it is probed as usual afterwards; ' +
            'without, it stays open until closed by hand. Who and why are logged and shown.',
          parameters: [nameParameter],
          requestBody: { required: true, ...json('OpenRequest') },
          responses: {
            200: { description: 'The provider, now open', ...json('Provider') },
            400: error('Invalid request; `fields` names each offending field'),
            404: error('Unknown provider'),
            ...bodyErrors,
            ...v1Errors,
          },
        },
      },
      '/v1/providers/{name}/close': {
        post: {
          summary: 'Close a provider fleet-wide by hand',
          parameters: [nameParameter],
          requestBody: { required: true, ...json('CloseRequest') },
          responses: {
            200: { description: 'The provider, now closed', ...json('Provider') },
            400: error('Invalid request; `fields` names each offending field'),
            404: error('Unknown provider'),
            ...bodyErrors,
            ...v1Errors,
          },
        },
      },
      '/v1/batches': {
        get: {
          summary: 'Provider batches, newest first: status, counts, cost and savings against list price',
          description:
            'Jobs on a chain entry with `batch: true` are collected per provider and model and sent as one ' +
            'provider batch (OpenAI Batch API) at the batch price; a batched job reads `batched` meanwhile.',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 1000 },
            },
          ],
          responses: {
            200: { description: 'Batches', ...json('Batches') },
            400: error('Invalid limit'),
            ...v1Errors,
          },
        },
      },
      '/v1/batches/{id}': {
        get: {
          summary: 'One provider batch',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: { description: 'The batch', ...json('Batch') },
            404: error('Unknown batch'),
            ...v1Errors,
          },
        },
      },
      '/v1/stats': {
        get: {
          summary: 'Calls, tokens and cost by provider and model, fleet-wide, with each breaker',
          description:
            'Totals since the queue began, kept in Redis by every worker (flushed each second). Cost comes ' +
            'from the built-in price table and `pricing` in the config; unpriced calls are counted, never guessed.',
          responses: { 200: { description: 'Stats', ...json('Stats') }, ...v1Errors },
        },
      },
      '/v1/events': {
        get: {
          summary: 'Live events over a WebSocket: job lifecycle and breaker changes from every process',
          description:
            'Upgrade to a WebSocket. Messages are JSON: `{type:"ready"}` first, then `{type:"job", event, jobId, at, …}` ' +
            '(queued, active, completed, failed, deferred, delayed, removed, stalled; for a job with stream: true also ' +
            'delta `{offset, text, provider, model}` and restart `{reason, provider?, model?}`: the partial text so far is void) ' +
            'and `{type:"breaker", provider, ' +
            'state, at, until?, reason?, worker, manual?}`. `?jobId=` keeps one job. Auth: the bearer token, or ' +
            '`?ticket=` from /admin/events-ticket (for browsers).',
          parameters: [{ name: 'jobId', in: 'query', required: false, schema: { type: 'string' } }],
          responses: {
            101: { description: 'Switching to the WebSocket protocol' },
            401: { description: 'No valid token or ticket' },
          },
        },
      },
      '/metrics': {
        get: {
          summary:
            'Prometheus metrics: breakers, calls, latency, fallbacks, deferrals, jobs, tokens, cost, process',
          description: 'Fleet-wide figures are read from Redis at scrape time: scrape one API process.',
          responses: {
            200: {
              description: 'Prometheus text format',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            401: { description: 'Missing or wrong token' },
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'The process is alive',
          security: [],
          responses: { 200: { description: 'Alive', ...json('Health') } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Redis answers',
          security: [],
          responses: {
            200: { description: 'Ready', ...json('Health') },
            503: { description: 'Redis does not answer', ...json('Health') },
          },
        },
      },
    },
  };
}

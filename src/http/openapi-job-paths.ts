import {
  bodyErrors,
  error,
  idParameter,
  type JsonObject,
  jobEndedCallback,
  json,
  v1Errors,
} from './openapi-parts.js';
import { maxBulkJobs } from './schemas.js';

/**
 * The paths of the work itself: jobs (one, or a bulk of them), flows (a tree of jobs), reading and
 * cancelling them, and sending an ended job's webhook again.
 */
export function jobPaths(): JsonObject {
  return {
    '/v1/jobs': {
      post: {
        summary: 'Submit one job',
        description: 'The same idempotencyKey always names the same job: a repeat returns it, not a new one.',
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
  };
}

import { type JsonObject, json, v1Errors } from './openapi-parts.js';

/** The paths that watch the system run: stats, live events, Prometheus metrics, liveness and readiness. */
export function opsPaths(): JsonObject {
  return {
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
  };
}

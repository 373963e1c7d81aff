import { z } from 'zod';
import { positiveInt } from './positive-int.js';

export const boardSchema = z
  .object({
    /** Mount Bull Board at /admin/queues. @defaultValue true */
    enabled: z.boolean().default(true),
    /**
     * Show queues and jobs but hide retry, promote, clean and remove. Set false to allow those
     * actions. @defaultValue true
     */
    readOnly: z
      .boolean()
      .default(true)
      .describe('Bull Board shows but cannot change jobs; false allows retry, promote, clean and remove.'),
  })
  .strict();
export type BoardConfig = z.infer<typeof boardSchema>;

export const rateLimitSchema = z
  .object({
    /** Jobs one token may submit per window; a bulk request counts its jobs. */
    jobs: positiveInt('jobs').describe(
      'Jobs one token may submit per window; a bulk request counts its jobs.',
    ),
    /** The sliding window. @defaultValue 60000 */
    windowMs: positiveInt('milliseconds')
      .default(60_000)
      .describe('The sliding window the limit applies to.'),
  })
  .strict();
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;

export const apiSchema = z
  .object({
    /** Submission rate limit per token, shared by every API process. @defaultValue off */
    rateLimit: rateLimitSchema
      .optional()
      .describe('Submission rate limit per token (POST /v1/jobs and /v1/jobs/bulk); off when absent.'),
    /**
     * Host names (optionally `name:port`) the API answers besides 127.0.0.1, localhost and [::1], for
     * clients that reach it by another name. Any other Host header is refused (DNS rebinding).
     * @defaultValue []
     */
    allowedHosts: z
      .array(
        z
          .string()
          .regex(
            /^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/,
            'must be a host name or address, optionally with :port (api.example.com, 10.0.0.5:3000)',
          ),
      )
      .default([])
      .describe('Host names the API answers besides 127.0.0.1, localhost and [::1] (any port unless given).'),
    /**
     * When the Host header is checked: `always`, or `without-token` (only while no
     * BREAKWATER_API_TOKEN is set; a token already keeps rebinding pages out). @defaultValue always
     */
    hostCheck: z
      .enum(['always', 'without-token'])
      .default('always')
      .describe('Check the Host header always, or only while the API has no token.'),
    /**
     * What a job's own `chain` may name: `any` provider/model pair, or `configured-models-only`, the
     * pairs some route names (producers then cannot pick, and spend on, other models). @defaultValue any
     */
    jobChains: z
      .enum(['any', 'configured-models-only'])
      .default('any')
      .describe("What a job's own chain may name: every model, or only provider/model pairs of a route."),
    /** Open /v1/events WebSockets per API process. @defaultValue 256 */
    maxEventConnections: positiveInt('connections')
      .default(256)
      .describe('Open /v1/events WebSockets per API process.'),
    /** Open /v1/events WebSockets per client address. @defaultValue 16 */
    maxEventConnectionsPerClient: positiveInt('connections')
      .default(16)
      .describe('Open /v1/events WebSockets per client address.'),
  })
  .strict();
export type ApiConfig = z.infer<typeof apiSchema>;

import { z } from 'zod';
import { chainEntrySchema } from '../config/schema.js';

const messageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant'], { error: 'must be system, user or assistant' }),
    content: z.string().min(1, 'must not be empty'),
  })
  .strict();

/**
 * A job as producers submit it. Validated when enqueued and again when processed, so a job edited in
 * Redis or written by an older producer fails cleanly instead of half-running.
 */
export const jobInputSchema = z
  .object({
    /** A route from the config; the config's defaultRoute when neither route nor chain is given. */
    route: z.string().min(1).optional(),
    /** The job's own fallback chain, instead of a route. */
    chain: z
      .array(chainEntrySchema)
      .min(1, 'needs at least one entry')
      .max(10, 'at most 10 entries')
      .optional(),
    messages: z.array(messageSchema).min(1, 'needs at least one message').optional(),
    prompt: z.string().min(1, 'must not be empty').optional(),
    system: z.string().optional(),
    maxTokens: z.number().int('must be a whole number').positive('must be > 0').optional(),
    temperature: z.number().min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2').optional(),
    /** BullMQ priority: 1 is the highest. */
    priority: z.number().int().min(1).max(2_097_152).optional(),
    /** Run no earlier than this many milliseconds from now (the user's own delay). */
    delayMs: z.number().int().min(0).optional(),
    /** ISO time after which the job fails rather than wait any longer for a provider. */
    deadline: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-22T12:00:00Z' })
      .optional(),
    /** The same key always names the same job. */
    idempotencyKey: z.string().min(1).max(200).optional(),
    /** When every provider of the chain is open: wait for one (defer) or fail at once. */
    onAllOpen: z.enum(['defer', 'fail']).default('defer'),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((job, context) => {
    if ((job.messages === undefined) === (job.prompt === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['messages'],
        message: 'give exactly one of messages or prompt',
      });
    }
    if (job.route !== undefined && job.chain !== undefined) {
      context.addIssue({ code: 'custom', path: ['chain'], message: 'give a route or a chain, not both' });
    }
  });

export type JobInput = z.input<typeof jobInputSchema>;
export type JobData = z.output<typeof jobInputSchema>;

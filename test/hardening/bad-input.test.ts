import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxPromptChars } from '../../src/queue/job-input.js';
import { ApiHarness, type ApiResponse } from '../support/api-harness.js';

/**
 * Property-based: malformed and oversized submissions always get a 4xx naming the problem, never a
 * 5xx, and never create a job.
 */
let harness: ApiHarness;
beforeAll(async () => {
  harness = await new ApiHarness().start();
});
afterAll(() => harness.stop());

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

const valid = { prompt: 'summarise the tides' };

/** Values of the wrong kind for a field. */
const junk = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
);

/** A job that is invalid by construction: each variant breaks exactly one rule. */
const invalidJob: fc.Arbitrary<unknown> = fc.oneof(
  // Not an object at all.
  fc.oneof(
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
  ),
  // An unknown key (the schema is strict).
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((key) => !knownKeys.has(key) && key !== '__proto__')
    .chain((key) => junk.map((value) => ({ ...valid, [key]: value }))),
  // A known field of the wrong type or out of range.
  junk.filter((value) => typeof value !== 'string' || value === '').map((prompt) => ({ prompt })),
  fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.1, max: 0.9 }), fc.string()).map((maxTokens) => ({
    ...valid,
    maxTokens,
  })),
  fc
    .oneof(fc.double({ min: 2.001, max: 1e9, noNaN: true }), fc.double({ max: -0.001, noNaN: true }))
    .map((temperature) => ({ ...valid, temperature })),
  fc.string().map((deadline) => ({ ...valid, deadline: `${deadline}not-a-date` })),
  fc
    .string({ minLength: 1 })
    .filter((role) => !['system', 'user', 'assistant'].includes(role))
    .map((role) => ({ messages: [{ role, content: 'hi' }] })),
  // Both or neither of prompt and messages; a route and a chain.
  fc.constant({ prompt: 'a', messages: [{ role: 'user', content: 'b' }] }),
  fc.constant({ system: 'only a system prompt' }),
  fc.constant({ ...valid, route: 'default', chain: [{ provider: 'primary', model: 'm' }] }),
  fc.string({ minLength: 1 }).map((route) => ({ ...valid, route: `no-such-route-${route}` })),
);

const knownKeys = new Set([
  'route',
  'chain',
  'messages',
  'prompt',
  'system',
  'maxTokens',
  'temperature',
  'priority',
  'delayMs',
  'deadline',
  'idempotencyKey',
  'onAllOpen',
  'metadata',
]);

async function expectRefused(response: ApiResponse<ErrorBody>): Promise<void> {
  expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(typeof response.body.error?.message).toBe('string');
  if (response.body.error.code === 'invalid-request') {
    expect(response.body.error.fields?.length ?? 0).toBeGreaterThan(0);
  }
}

async function expectNoJobs(): Promise<void> {
  const counts = await harness.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
  expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(0);
}

describe('malformed submissions (property-based)', () => {
  it('POST /v1/jobs: every invalid job is a 4xx naming the field, never a job', async () => {
    await fc.assert(
      fc.asyncProperty(invalidJob, async (job) => {
        await expectRefused(await harness.request<ErrorBody>('POST', '/v1/jobs', JSON.stringify(job)));
      }),
      { numRuns: 300 },
    );
    await expectNoJobs();
  });

  it('POST /v1/jobs/bulk: one invalid job among valid ones refuses the batch, named by index', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constant(valid), { maxLength: 20 }),
        invalidJob,
        fc.nat(),
        async (jobs, bad, at) => {
          const index = at % (jobs.length + 1);
          const body = { jobs: [...jobs.slice(0, index), bad, ...jobs.slice(index)] };
          const response = await harness.request<ErrorBody>('POST', '/v1/jobs/bulk', body);
          await expectRefused(response);
          if (response.body.error.code === 'invalid-request') {
            expect(response.body.error.fields?.some((field) => field.path.startsWith(`jobs.${index}`))).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
    await expectNoJobs();
  });

  it('arbitrary bytes, JSON of any shape and wrong envelopes are 4xx on every submission route', async () => {
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.jsonValue().map((jobs) => JSON.stringify({ jobs })),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/v1/jobs', '/v1/jobs/bulk'), async (text, path) => {
        // A random value that happens to be a valid job is not malformed: skip it.
        fc.pre(!/"(prompt|messages)"/.test(text));
        await expectRefused(await harness.request<ErrorBody>('POST', path, text));
      }),
      { numRuns: 300 },
    );
    await expectNoJobs();
  });
});

describe('oversized submissions', () => {
  it('a prompt over the limit, too many messages, more than 1000 jobs, a body over the limit: 4xx, no job', async () => {
    const cases: [string, unknown, number, string | undefined][] = [
      ['/v1/jobs', { prompt: 'x'.repeat(maxPromptChars + 1) }, 400, 'prompt'],
      [
        '/v1/jobs',
        {
          system: 'y'.repeat(maxPromptChars / 2),
          messages: [{ role: 'user', content: 'z'.repeat(maxPromptChars / 2 + 1) }],
        },
        400,
        'messages',
      ],
      [
        '/v1/jobs',
        { messages: Array.from({ length: 1_001 }, () => ({ role: 'user', content: 'hi' })) },
        400,
        'messages',
      ],
      ['/v1/jobs/bulk', { jobs: Array.from({ length: 1_001 }, () => valid) }, 400, 'jobs'],
      ['/v1/jobs', { prompt: 'x'.repeat(11 * 1024 * 1024) }, 413, undefined],
    ];
    for (const [path, body, status, field] of cases) {
      const response = await harness.request<ErrorBody>('POST', path, body);
      expect(response.status).toBe(status);
      if (field) expect(response.body.error.fields?.map((problem) => problem.path)).toContain(field);
      else expect(response.body.error.code).toBe('payload-too-large');
    }
    await expectNoJobs();
  });
});

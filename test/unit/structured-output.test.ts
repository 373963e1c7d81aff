import { JSONParseError, NoObjectGeneratedError, TypeValidationError } from 'ai';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/contract/attempt.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { finishProblem, structuredFailure } from '../../src/providers/structured-output.js';
import { fieldProblems } from '../../src/queue/field-problems.js';
import { jobInputSchema } from '../../src/queue/job-input.js';
import { countsAgainstProvider } from '../../src/resilience/provider-circuit.js';
import { sampleJson, violatingJson } from '../../src/simulator/sample-json.js';
import { schemaProblem, validationErrors } from '../../src/structured/json-schema.js';
import { strictReady } from '../../src/structured/strict-schema.js';
import { verdictFor } from '../../src/worker/verdict.js';

const context = { provider: 'p', model: 'm', now: 0, redact: [] };

const schemas: Record<string, Record<string, unknown>> = {
  'enums, arrays and bounds': {
    type: 'object',
    properties: {
      sentiment: { type: 'string', enum: ['positive', 'negative'] },
      topics: { type: 'array', items: { type: 'string', minLength: 3 }, minItems: 2, maxItems: 4 },
      score: { type: 'number', minimum: 0.5, maximum: 1 },
      rank: { type: 'integer', exclusiveMinimum: 3 },
    },
    required: ['sentiment', 'topics', 'score', 'rank'],
    additionalProperties: false,
  },
  'refs, nullable types and combinators': {
    type: 'object',
    $defs: { person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    properties: {
      author: { $ref: '#/$defs/person' },
      editor: { type: ['object', 'null'], properties: { id: { type: 'integer' } } },
      status: { anyOf: [{ const: 'draft' }, { const: 'final' }] },
      merged: { allOf: [{ type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'] }] },
      when: { type: 'string', format: 'date-time' },
    },
    required: ['author', 'editor', 'status', 'merged', 'when'],
  },
  "Gemini's OpenAPI subset (upper-case types)": {
    type: 'object',
    properties: { label: { type: 'STRING' }, count: { type: 'INTEGER' } },
    required: ['label', 'count'],
  },
};

describe("the simulator's JSON from a schema", () => {
  it.each(Object.entries(schemas))('%s: the sample validates, the violation does not', (_name, schema) => {
    const lowerCased = JSON.parse(
      JSON.stringify(schema).replaceAll('"STRING"', '"string"').replaceAll('"INTEGER"', '"integer"'),
    );
    expect(validationErrors(lowerCased, sampleJson(schema))).toEqual([]);
    expect(validationErrors(lowerCased, violatingJson(schema)).length).toBeGreaterThan(0);
    expect(sampleJson(schema)).toEqual(sampleJson(schema));
  });
});

describe('output schemas, checked with ajv (draft 2020-12)', () => {
  it('a valid object schema passes; an invalid one names the validator message', () => {
    expect(schemaProblem(schemas['enums, arrays and bounds']!)).toBeUndefined();
    expect(schemaProblem({ type: 'object', properties: { a: { minimum: 'one' } } })).toMatch(
      /^not a valid JSON Schema \(draft 2020-12\): schema is invalid: data\/properties\/a\/minimum must be number/,
    );
    expect(schemaProblem({ type: 'string' })).toMatch(/root must be/);
  });

  it('each failure is a path and a message', () => {
    expect(
      validationErrors(schemas['enums, arrays and bounds']!, {
        sentiment: 'meh',
        topics: [],
        score: 2,
        rank: 3,
      }),
    ).toEqual([
      '/sentiment: must be equal to one of the allowed values',
      '/topics: must NOT have fewer than 2 items',
      '/score: must be <= 1',
      '/rank: must be > 3',
    ]);
  });
});

describe('structured answers as verdicts', () => {
  const noObject = (cause: Error, finishReason: 'stop' | 'length' | 'content-filter' = 'stop') =>
    new NoObjectGeneratedError({
      cause,
      text: '{"a"',
      response: { id: 'r', timestamp: new Date(0), modelId: 'm' },
      usage: {
        inputTokens: 1,
        outputTokens: 1,
        totalTokens: 2,
        inputTokenDetails: { noCacheTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
        outputTokenDetails: { textTokens: 1, reasoningTokens: 0 },
      },
      finishReason,
    });

  it('unparseable JSON, a schema mismatch and a cut-off answer are invalid output, sparing the breaker', () => {
    const parse = structuredFailure(
      noObject(new JSONParseError({ text: '{"a"', cause: new Error('eof') })),
      context,
    );
    expect(parse).toMatchObject({ verdict: 'invalid-output', code: 'unparseable-output' });
    const mismatch = structuredFailure(
      noObject(
        new TypeValidationError({ value: {}, cause: new Error("/: must have required property 'a'") }),
      ),
      context,
    );
    expect(mismatch).toMatchObject({
      verdict: 'invalid-output',
      code: 'schema-mismatch',
      message: "the answer does not match the schema: /: must have required property 'a'",
    });
    const cut = structuredFailure(noObject(new Error('x'), 'length'), context);
    expect(cut).toMatchObject({ verdict: 'invalid-output', code: 'truncated-output' });
    for (const error of [parse, mismatch, cut]) expect(countsAgainstProvider(error)).toBe(false);
    expect(structuredFailure(new Error('other'), context)).toBeUndefined();
  });

  it('a content-filter finish is rejected; stop is fine', () => {
    expect(finishProblem('content-filter', context)).toMatchObject({
      verdict: 'rejected',
      code: 'content-filter',
    });
    expect(finishProblem('length', context)).toMatchObject({ verdict: 'invalid-output' });
    expect(finishProblem('stop', context)).toBeUndefined();
    expect(
      new ProviderError({
        verdict: 'invalid-output',
        code: 'schema-mismatch',
        provider: 'p',
        model: 'm',
        message: '',
      }).countsAgainstProvider,
    ).toBe(false);
  });

  it('every answer invalid: an ordinary retry whose reason quotes each entry', () => {
    const attempt = (provider: string, error: string): Attempt => ({
      provider,
      model: 'm',
      outcome: 'invalid-output',
      at: new Date(0).toISOString(),
      durationMs: 5,
      errorClass: 'schema-mismatch',
      error,
    });
    const verdict = verdictFor(
      {
        kind: 'failed',
        attempts: [attempt('a', '/x: must be string'), attempt('b', 'the answer is not JSON')],
      },
      { onAllOpen: 'defer' },
      { now: 0, willWake: () => false, deferralSafetyMs: 0, jitterMs: 0, maxDeferralMs: 1 },
    );
    expect(verdict).toEqual({
      kind: 'retry',
      reason:
        'no answer matched the output schema: a/m: invalid-output (/x: must be string); b/m: invalid-output (the answer is not JSON)',
    });
  });
});

describe('field problems inside unions', () => {
  it('a content array reports its own part, not "string or array"', () => {
    const parsed = jobInputSchema.safeParse({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'image', data: '%%', mediaType: 'image/png' },
          ],
        },
      ],
    });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldProblems(parsed.error)).toEqual([
        { path: 'messages.0.content.1.data', message: expect.stringMatching(/must be base64/) },
      ]);
    }
  });

  it('a value of neither type says what the union takes', () => {
    const parsed = jobInputSchema.safeParse({ messages: [{ role: 'user', content: 7 }] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(fieldProblems(parsed.error)).toEqual([
        { path: 'messages.0.content', message: 'must be a string or an array of parts' },
      ]);
    }
  });
});

describe("OpenAI's strict mode", () => {
  const closed = (properties: Record<string, unknown>) => ({
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  });

  it('takes closed objects with every property required, however nested', () => {
    expect(
      strictReady(
        closed({ a: { type: 'string' }, b: { type: 'array', items: closed({ c: { type: 'number' } }) } }),
      ),
    ).toBe(true);
    expect(
      strictReady({
        ...closed({ a: { $ref: '#/$defs/x' } }),
        $defs: { x: closed({ y: { type: 'string' } }) },
      }),
    ).toBe(true);
  });

  it('refuses an open object, an optional property, or either one nested', () => {
    expect(strictReady({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] })).toBe(
      false,
    );
    expect(strictReady({ ...closed({ a: { type: 'string' } }), required: [] })).toBe(false);
    expect(strictReady(closed({ a: { type: 'array', items: { type: 'object', properties: {} } } }))).toBe(
      false,
    );
    expect(strictReady({ ...closed({}), $defs: { x: { type: 'object' } } })).toBe(false);
  });
});

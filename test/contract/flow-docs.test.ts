import { describe, expect, it } from 'vitest';
import type * as Contract from '../../src/contract/index.js';
import { flowDocSchemas } from '../../src/http/flow-docs.js';

/** The documented properties of a hand-written OpenAPI schema. */
const documented = (name: string) =>
  Object.keys((flowDocSchemas[name] as { properties?: Record<string, unknown> }).properties ?? {}).sort();

describe('the flow shapes in /openapi.json match the contract', () => {
  it('every field of a flow, a step view, an accepted flow and a flow input is documented', () => {
    // Every field set, optional ones too: a field added to the contract must be documented.
    const step: Required<Contract.FlowStepView> = {
      id: 'a',
      jobId: 'flow-0-a',
      state: 'completed',
      optional: true,
      result: {
        text: 't',
        finishReason: 'stop',
        provider: 'p',
        model: 'm',
        usage: { inputTokens: 1, outputTokens: 1 },
        latencyMs: 1,
        costUsd: null,
        fallbackUsed: false,
        attempts: [],
      },
      error: 'e',
      children: [],
    };
    const flow: Required<Contract.FlowView> = {
      id: 'flow-0',
      name: 'n',
      state: 'failed',
      createdAt: '2026-11-29T00:00:00.000Z',
      error: 'e',
      root: step,
    };
    const accepted: Required<Contract.AcceptedFlow> = { id: 'flow-0', jobs: {} };
    const input: Required<Contract.FlowInput> = { name: 'n', root: { id: 'a', prompt: 'p' } };
    expect(documented('FlowStepView')).toEqual(Object.keys(step).sort());
    expect(documented('FlowView')).toEqual(Object.keys(flow).sort());
    expect(documented('AcceptedFlow')).toEqual(Object.keys(accepted).sort());
    expect(documented('FlowInput')).toEqual(Object.keys(input).sort());
    const stepExtras = (
      flowDocSchemas.FlowStep as { allOf: { properties?: Record<string, unknown> }[] }
    ).allOf
      .flatMap((part) => Object.keys(part.properties ?? {}))
      .sort();
    expect(stepExtras).toEqual(['children', 'id', 'optional']);
  });
});

import { maxFlowDepth, maxFlowSteps } from '../contract/flow.js';
import { type JsonObject, ref } from './openapi-parts.js';

/**
 * The OpenAPI shapes of flows, written by hand: a step is recursive, and its job fields are
 * JobInput's (validated by the same schema, step by step).
 */
export const flowDocSchemas: Record<string, JsonObject> = {
  FlowStep: {
    description:
      'A job (every JobInput field but idempotencyKey) plus its id and the steps that run before it. ' +
      "prompt, system and message texts may name a child's result as {{steps.<id>.text}} or " +
      '{{steps.<id>.object.<path>}}, filled in when the step runs.',
    allOf: [
      { type: 'object', description: 'Every field of JobInput but idempotencyKey.' },
      {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Unique in the flow.' },
          optional: {
            type: 'boolean',
            description: 'When it fails for good, its parent runs anyway and reads its result as empty.',
          },
          children: { type: 'array', items: ref('FlowStep'), description: 'Run first, in parallel.' },
        },
      },
    ],
  },
  FlowInput: {
    type: 'object',
    required: ['root'],
    description: `At most ${maxFlowSteps} steps and ${maxFlowDepth} levels.`,
    properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, root: ref('FlowStep') },
  },
  AcceptedFlow: {
    type: 'object',
    required: ['id', 'jobs'],
    properties: {
      id: { type: 'string', description: "The flow's id: its root step's job id." },
      jobs: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: "Each step's job id, by step id.",
      },
    },
  },
  FlowStepView: {
    type: 'object',
    required: ['id', 'jobId', 'state', 'children'],
    properties: {
      id: { type: 'string' },
      jobId: { type: 'string' },
      state: {
        type: 'string',
        enum: ['waiting', 'active', 'deferred', 'delayed', 'completed', 'failed', 'unknown'],
      },
      optional: { type: 'boolean' },
      result: { type: 'object', description: "The step's job result (see JobView)." },
      error: { type: 'string' },
      children: { type: 'array', items: ref('FlowStepView') },
    },
  },
  FlowView: {
    type: 'object',
    required: ['id', 'state', 'createdAt', 'root'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      state: {
        type: 'string',
        enum: ['waiting', 'active', 'deferred', 'delayed', 'completed', 'failed', 'unknown'],
      },
      createdAt: { type: 'string', format: 'date-time' },
      error: {
        type: 'string',
        description: 'Why it failed: the first step whose failure failed it, and its reason.',
      },
      root: ref('FlowStepView'),
    },
  },
};

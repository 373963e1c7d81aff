import type { JobResult, JobState } from './job.js';
import type { JobInput } from './job-input.js';

/**
 * One step of a flow: an ordinary job plus its `id` (unique in the flow) and the steps that run
 * before it. Its `prompt`, `system` and message texts may name a child's result as
 * `{{steps.<id>.text}}` or `{{steps.<id>.object.<path>}}`, filled in when the step runs.
 */
export interface FlowStepInput extends Omit<JobInput, 'idempotencyKey'> {
  /** 1 to 64 of A-Z a-z 0-9 _ -, unique in the flow. */
  id: string;
  /** Steps that run first, in parallel, each its own job. */
  children?: FlowStepInput[];
  /** When this step fails for good its parent runs anyway, reading its result as empty. @defaultValue false */
  optional?: boolean;
}

/** What `POST /v1/flows` takes: at most 100 steps, 5 levels deep. */
export interface FlowInput {
  name?: string;
  root: FlowStepInput;
}

/** What `POST /v1/flows` returns: the flow's id is its root step's job id. */
export interface AcceptedFlow {
  id: string;
  /** Each step's job id, by step id. */
  jobs: Record<string, string>;
}

/** One step as `GET /v1/flows/:id` shows it. */
export interface FlowStepView {
  id: string;
  jobId: string;
  /** `unknown` once the step's job was removed (retention). */
  state: JobState | 'unknown';
  optional?: boolean;
  result?: JobResult;
  error?: string;
  children: FlowStepView[];
}

/** A flow as `GET /v1/flows/:id` returns it: the root's state is the flow's. */
export interface FlowView {
  id: string;
  name?: string;
  state: JobState | 'unknown';
  createdAt: string;
  /** Why the flow failed: the root's own error, or the step whose failure failed it and its reason. */
  error?: string;
  root: FlowStepView;
}

/** Most steps in one flow. */
export const maxFlowSteps = 100;
/** Most levels of one flow: the root is level 1. */
export const maxFlowDepth = 5;

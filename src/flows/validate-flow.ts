import type { BreakwaterConfig } from '../config/schema.js';
import { maxFlowDepth, maxFlowSteps } from '../contract/flow.js';
import type { JobData } from '../queue/job-input.js';
import type { FieldProblem } from '../queue/job-validation-error.js';
import { validateJob } from '../queue/validate-job.js';
import { stepIdPattern } from './flow-ids.js';
import { referencesIn } from './step-references.js';
import { stepTexts } from './step-texts.js';

/** A step that passed validation: its job's data, and the steps that run before it. */
export interface PlannedStep {
  id: string;
  optional: boolean;
  data: JobData;
  children: PlannedStep[];
}

export interface FlowPlan {
  name?: string;
  root: PlannedStep;
  /** How many steps the flow has. */
  steps: number;
}

export type FlowValidation = { kind: 'ok'; plan: FlowPlan } | { kind: 'invalid'; problems: FieldProblem[] };

const maxNameChars = 200;

interface Walk {
  config: BreakwaterConfig;
  problems: FieldProblem[];
  /** Step id to where it was first seen. */
  seen: Map<string, string>;
  count: number;
}

/**
 * Checks a flow as `POST /v1/flows` receives it: its shape, each step's job (problems named by the
 * step's path, `root.children.2.prompt`), unique step ids, at most 100 steps and 5 levels, and every
 * `{{steps.…}}` reference naming one of the step's own children.
 */
export function validateFlow(input: unknown, config: BreakwaterConfig): FlowValidation {
  if (!isObject(input)) return invalid('(body)', 'must be a JSON object with a root step');
  const { name, root, ...rest } = input;
  const problems: FieldProblem[] = Object.keys(rest).map((key) => ({ path: key, message: 'unknown field' }));
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > maxNameChars)) {
    problems.push({ path: 'name', message: `must be a string of 1 to ${maxNameChars} characters` });
  }
  if (root === undefined)
    return { kind: 'invalid', problems: [...problems, { path: 'root', message: 'is required' }] };
  const walk: Walk = { config, problems, seen: new Map(), count: 0 };
  const planned = planStep(root, 'root', 1, walk);
  if (walk.count > maxFlowSteps) {
    problems.push({
      path: 'root',
      message: `the flow has more than ${maxFlowSteps} steps; at most ${maxFlowSteps}`,
    });
  }
  if (planned && problems.length === 0) {
    checkReferences(planned, 'root', [], new Set(walk.seen.keys()), problems);
  }
  if (problems.length > 0 || !planned) return { kind: 'invalid', problems };
  return {
    kind: 'ok',
    plan: { ...(typeof name === 'string' ? { name } : {}), root: planned, steps: walk.count },
  };
}

function planStep(value: unknown, path: string, depth: number, walk: Walk): PlannedStep | undefined {
  walk.count += 1;
  if (walk.count > maxFlowSteps) return undefined;
  if (!isObject(value)) {
    walk.problems.push({ path, message: 'must be a step: a job with an id' });
    return undefined;
  }
  const { id, children, optional, ...job } = value;
  if (typeof id !== 'string' || !stepIdPattern.test(id)) {
    walk.problems.push({ path: `${path}.id`, message: 'must be 1 to 64 of A-Z a-z 0-9 _ -' });
  } else if (walk.seen.has(id)) {
    walk.problems.push({
      path: `${path}.id`,
      message: `duplicate step id "${id}" (also ${walk.seen.get(id)})`,
    });
  } else {
    walk.seen.set(id, path);
  }
  if (optional !== undefined && typeof optional !== 'boolean') {
    walk.problems.push({ path: `${path}.optional`, message: 'must be true or false' });
  } else if (optional === true && depth === 1) {
    walk.problems.push({
      path: `${path}.optional`,
      message: 'the root step cannot be optional: it is the flow',
    });
  }
  if ('idempotencyKey' in job) {
    walk.problems.push({
      path: `${path}.idempotencyKey`,
      message: 'not taken in a flow step: each POST /v1/flows makes a new flow',
    });
  }
  const { idempotencyKey: _ignored, ...rest } = job;
  const validation = validateJob(rest, walk.config);
  if (validation.kind === 'invalid') {
    walk.problems.push(
      ...validation.problems.map((problem) => ({ ...problem, path: `${path}.${problem.path}` })),
    );
  }
  const planned: PlannedStep[] = [];
  if (children !== undefined) {
    if (!Array.isArray(children)) {
      walk.problems.push({ path: `${path}.children`, message: 'must be a list of steps' });
    } else if (children.length > 0 && depth >= maxFlowDepth) {
      walk.problems.push({
        path: `${path}.children`,
        message: `a flow is at most ${maxFlowDepth} levels deep; this step is level ${depth}`,
      });
    } else {
      for (const [index, child] of children.entries()) {
        const step = planStep(child, `${path}.children.${index}`, depth + 1, walk);
        if (step) planned.push(step);
      }
    }
  }
  if (validation.kind === 'invalid' || typeof id !== 'string') return undefined;
  return { id, optional: optional === true, data: validation.data, children: planned };
}

/** Every reference names one of the step's own children: those are the results it can read. */
function checkReferences(
  step: PlannedStep,
  path: string,
  ancestors: readonly string[],
  flowIds: ReadonlySet<string>,
  problems: FieldProblem[],
): void {
  for (const { path: field, text } of stepTexts(step.data)) {
    for (const parsed of referencesIn(text)) {
      const at = `${path}.${field}`;
      if (parsed.kind === 'malformed') {
        problems.push({
          path: at,
          message: `${parsed.source} is not a step reference: write {{steps.<id>.text}} or {{steps.<id>.object.<path>}}`,
        });
        continue;
      }
      const { reference } = parsed;
      const child = step.children.find((candidate) => candidate.id === reference.step);
      if (child) {
        if (reference.kind === 'object' && child.data.output === undefined) {
          problems.push({
            path: at,
            message: `${parsed.source}: step "${child.id}" has no output schema; read its text instead`,
          });
        }
        continue;
      }
      const message =
        reference.step === step.id || ancestors.includes(reference.step)
          ? `${parsed.source} makes a cycle: step "${reference.step}" runs after this step, which it waits for`
          : flowIds.has(reference.step)
            ? `${parsed.source}: step "${reference.step}" is not a child of this step; a step reads only its children's results`
            : `${parsed.source} names no step of this flow`;
      problems.push({ path: at, message });
    }
  }
  for (const [index, child] of step.children.entries()) {
    checkReferences(child, `${path}.children.${index}`, [...ancestors, step.id], flowIds, problems);
  }
}

function invalid(path: string, message: string): FlowValidation {
  return { kind: 'invalid', problems: [{ path, message }] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

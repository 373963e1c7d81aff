import type { FlowJob, FlowJobNode, FlowProducer, JobsOptions } from 'bullmq';
import type { BreakwaterConfig } from '../config/schema.js';
import type { AcceptedFlow } from '../contract/flow.js';
import { jobOptions } from '../queue/job-options.js';
import { stampSchemaVersion } from '../queue/job-schema-version.js';
import { JobValidationError } from '../queue/job-validation-error.js';
import type { SubmitCheck } from '../queue/producer.js';
import { newFlowId, stepJobId } from './flow-ids.js';
import { type FlowStore, shapeOf } from './flow-record.js';
import { type PlannedStep, validateFlow } from './validate-flow.js';

export interface EnqueueFlowOptions {
  flows: FlowProducer;
  store: FlowStore;
  /** The BullMQ queue a flow's jobs go to, by the flow's id (a shard of the job queue). */
  queueOf: (flowId: string) => string;
  config: BreakwaterConfig;
  now?: () => number;
  newId?: () => string;
  /** Checks that need I/O (a webhook's address), run on every step once the flow is valid. */
  check?: SubmitCheck;
}

/**
 * Validates a flow and adds it as one BullMQ flow (atomic: every step or none), each step its own
 * job in the queue, named by its step id so Bull Board shows the tree. A child that fails for good
 * fails its parent, unless it is optional: then its parent runs without it.
 */
export async function enqueueFlow(input: unknown, options: EnqueueFlowOptions): Promise<AcceptedFlow> {
  const validation = validateFlow(input, options.config);
  if (validation.kind === 'invalid') throw new JobValidationError(validation.problems);
  const { plan } = validation;
  if (options.check) {
    const steps = stepsWithPaths(plan.root, 'root');
    const found = await options.check(steps.map(({ step }) => step.data));
    const problems = found.flatMap((stepProblems, index) =>
      stepProblems.map((problem) => ({ ...problem, path: `${steps[index]?.path}.${problem.path}` })),
    );
    if (problems.length > 0) throw new JobValidationError(problems);
  }
  const flowId = options.newId?.() ?? newFlowId();
  const queueName = options.queueOf(flowId);
  const jobs: Record<string, string> = {};
  const node = (step: PlannedStep, jobId: string, extra: JobsOptions = {}): FlowJobNode => {
    jobs[step.id] = jobId;
    const base = {
      name: step.id,
      queueName,
      data: stampSchemaVersion(step.data),
      opts: { ...jobOptions(step.data, options.config.queue), ...extra, jobId },
    };
    if (step.children.length === 0) return base;
    return {
      ...base,
      children: step.children.map((child) =>
        node(
          child,
          stepJobId(flowId, child.id),
          child.optional ? { ignoreDependencyOnFailure: true } : { failParentOnFailure: true },
        ),
      ),
    };
  };
  const tree: FlowJob = node(plan.root, flowId);
  // The record first: a flow whose jobs exist is always readable as a tree.
  await options.store.write(flowId, {
    ...(plan.name === undefined ? {} : { name: plan.name }),
    createdAt: (options.now ?? Date.now)(),
    root: shapeOf(plan.root),
  });
  await options.flows.add(tree);
  return { id: flowId, jobs };
}

/** Every step with its path in the submitted flow (`root.children.1`), root first. */
function stepsWithPaths(step: PlannedStep, path: string): { step: PlannedStep; path: string }[] {
  return [
    { step, path },
    ...step.children.flatMap((child, index) => stepsWithPaths(child, `${path}.children.${index}`)),
  ];
}

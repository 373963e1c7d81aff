import type { FlowStepView, FlowView } from '../contract/flow.js';
import { stepJobId } from '../flows/flow-ids.js';
import type { FlowStore, StepShape } from '../flows/flow-record.js';
import type { JobQueues } from '../queue/job-queues.js';
import type { JobResult } from '../worker/job-result.js';
import { jobStatus, type ShutCheck } from './job-status.js';

/** BullMQ's reason on a parent failed by its child: `child bull:<queue>:<id> failed`. */
const childFailurePattern = /^child \S+ failed$/;

/** A flow's tree with each step's state and result; undefined when no such flow is kept. */
export async function flowStatus(
  queues: JobQueues<JobResult>,
  store: FlowStore,
  flowId: string,
  shut?: ShutCheck,
): Promise<FlowView | undefined> {
  const record = await store.read(flowId);
  if (!record) return undefined;
  const read = async (shape: StepShape, jobId: string): Promise<FlowStepView> => {
    const [view, children] = await Promise.all([
      jobStatus(queues, jobId, shut),
      Promise.all(shape.children.map((child) => read(child, stepJobId(flowId, child.id)))),
    ]);
    return {
      id: shape.id,
      jobId,
      state: view?.state ?? 'unknown',
      ...(shape.optional ? { optional: true } : {}),
      // The worker stores exactly the contract's result (test/contract/conformance.test.ts).
      ...(view?.result === undefined ? {} : { result: view.result as NonNullable<FlowStepView['result']> }),
      ...(view?.error === undefined ? {} : { error: view.error }),
      children,
    };
  };
  const root = await read(record.root, flowId);
  const error = root.state === 'failed' ? failureOf(root) : undefined;
  return {
    id: flowId,
    ...(record.name === undefined ? {} : { name: record.name }),
    state: root.state,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(error === undefined ? {} : { error }),
    root,
  };
}

/**
 * Why a failed step failed: its own error, or, when a child's failure failed it, that child's reason
 * (followed down to the step that failed first).
 */
export function failureOf(step: FlowStepView): string | undefined {
  if (step.error === undefined || !childFailurePattern.test(step.error)) return step.error;
  for (const child of step.children) {
    if (child.state !== 'failed' || child.optional) continue;
    const reason = failureOf(child);
    if (reason === undefined) continue;
    return child.error !== undefined && childFailurePattern.test(child.error)
      ? reason
      : `step ${child.id} failed: ${reason}`;
  }
  return step.error;
}

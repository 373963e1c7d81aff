import { randomUUID } from 'node:crypto';

/** A flow's id, which is also its root step's job id. */
export function newFlowId(random: () => string = randomUUID): string {
  return `flow-${random().replaceAll('-', '')}`;
}

/** The job id of a step below the root: the flow's id and the step's. */
export function stepJobId(flowId: string, stepId: string): string {
  return `${flowId}-${stepId}`;
}

/** A step's id: 1 to 64 of A-Z a-z 0-9 _ -. */
export const stepIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Flow ids and step job ids, as the API accepts them in a path. */
export const flowIdPattern = /^flow-[0-9a-f]{32}$/;
export const flowJobIdPattern = /^flow-[0-9a-f]{32}(-[A-Za-z0-9_-]{1,64})?$/;

/** The step a child job runs, read from its id (`flow-<hex>-<step>`); undefined for other jobs. */
export function stepOfJobId(jobId: string): string | undefined {
  const match = /^flow-[0-9a-f]{32}-([A-Za-z0-9_-]{1,64})$/.exec(jobId);
  return match?.[1];
}

/** Whether a job is a step of a flow (its children's results may be named in its texts). */
export function isFlowJob(jobId: string | undefined): boolean {
  return jobId !== undefined && flowJobIdPattern.test(jobId);
}

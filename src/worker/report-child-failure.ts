import type { Job } from 'bullmq';
import type { JobEndListener } from './report-job-end.js';

/**
 * A flow step whose child failed for good (`failParentOnFailure`) is failed by BullMQ without its
 * processor ever running: the child's failure marks it (`deferredFailure`), and the worker that next
 * takes it fails it at once. No run reports that end, so it is reported here, after the failure is
 * recorded (a second report of one end is delivered once).
 */
export async function reportChildFailure(job: Job | undefined, listener: JobEndListener): Promise<void> {
  if (!job?.deferredFailure) return;
  await listener(job, 'job.failed');
}

import { Job, type Worker } from 'bullmq';

/** Wakes a batched job whose outcome is ready: moved from delayed to waiting. False when it is not delayed. */
export async function wakeBatchedJob(worker: Worker, jobId: string): Promise<boolean> {
  const job = await Job.fromId(worker, jobId);
  if (!job || !(await job.isDelayed())) return false;
  return job.promote().then(
    () => true,
    () => false,
  );
}

import type { Job } from 'bullmq';
import { stepOfJobId } from '../flows/flow-ids.js';
import { type ChildResult, substitute } from '../flows/step-references.js';
import { mapStepTexts, readsChildResults } from '../flows/step-texts.js';
import type { JobData } from '../queue/job-input.js';

/**
 * A flow step's job with its `{{steps.…}}` references filled from its children's results, read
 * when it runs (they have all ended by then). An optional child that failed has no result: its
 * references read as empty. Jobs outside flows are returned untouched, without a read.
 */
export async function withStepResults(job: Job<JobData>, data: JobData): Promise<JobData> {
  if (!readsChildResults(job.id, data)) return data;
  const values: Record<string, unknown> = await job.getChildrenValues();
  const results = new Map<string, ChildResult>();
  for (const [key, value] of Object.entries(values)) {
    const step = stepOfJobId(key.slice(key.lastIndexOf(':') + 1));
    if (step === undefined || typeof value !== 'object' || value === null) continue;
    const { text, object } = value as { text?: unknown; object?: unknown };
    results.set(step, { ...(typeof text === 'string' ? { text } : {}), object });
  }
  return mapStepTexts(data, (text) => substitute(text, results));
}

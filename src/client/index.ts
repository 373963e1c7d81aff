/** The importable client: `import { BreakwaterClient } from 'breakwater/client'`. */
export type { AcceptedJob, JobState, JobView, ProviderStatus } from '../http/schemas.js';
export type { JobInput } from '../queue/job-input.js';
export type { JobResult } from '../worker/job-result.js';
export { BreakwaterApiError } from './breakwater-api-error.js';
export { BreakwaterClient, type BreakwaterClientOptions, type WaitOptions } from './breakwater-client.js';

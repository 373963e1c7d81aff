/** The importable client: `import { BreakwaterClient } from 'breakwater/client'`. */
export type { BreakerEvent, BreakwaterEvent, JobEvent } from '../events/breakwater-event.js';
export type { AcceptedJob, JobState, JobView, ProviderStatus } from '../http/schemas.js';
export type { JobInput } from '../queue/job-input.js';
export type { JobResult } from '../worker/job-result.js';
export { BreakwaterApiError } from './breakwater-api-error.js';
export { BreakwaterClient, type BreakwaterClientOptions, type WaitOptions } from './breakwater-client.js';
export type { EventSubscription, SubscribeOptions } from './event-subscription.js';

/** The importable client: `import { BreakwaterClient } from 'breakwater/client'`. */
export type {
  AcceptedFlow,
  AcceptedJob,
  Attempt,
  BreakerEvent,
  BreakwaterEvent,
  ChatMessage,
  CompletionJobResult,
  ContentPart,
  EmbeddingJobResult,
  ErrorBody,
  FlowInput,
  FlowStepInput,
  FlowStepView,
  FlowView,
  ImagePart,
  JobDeltaEvent,
  JobEvent,
  JobInput,
  JobRestartEvent,
  JobResult,
  JobState,
  JobView,
  ProviderStatus,
  Redelivery,
  StatsReport,
  StructuredOutput,
  TextPart,
  TimelineEntry,
  WebhookEvent,
} from '../contract/index.js';
export { BreakwaterApiError } from './breakwater-api-error.js';
export { BreakwaterClient, type BreakwaterClientOptions } from './breakwater-client.js';
export type { EventSubscription, SubscribeOptions } from './event-subscription.js';
export type { EndedJob, GoneJob, WaitOptions } from './wait-for-jobs.js';

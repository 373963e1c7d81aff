/**
 * The API's public contract: every shape it accepts and returns, as plain types. The client and
 * the CLI see the server only through this module; the server's schemas are checked against it.
 */
export type { BatchList, BatchStatus, BatchView, JobBatch } from './batch.js';
export type { ErrorBody, FieldProblem } from './error-body.js';
export type {
  BreakerEvent,
  BreakwaterEvent,
  JobDeltaEvent,
  JobEvent,
  JobEventName,
  JobRestartEvent,
} from './events.js';
export { finalJobEvents } from './events.js';
export type { AcceptedFlow, FlowInput, FlowStepInput, FlowStepView, FlowView } from './flow.js';
export { maxFlowDepth, maxFlowSteps } from './flow.js';
export type {
  AcceptedJob,
  Attempt,
  AttemptEntry,
  AttemptOutcome,
  CacheEntry,
  CompletionJobResult,
  DeferralEntry,
  EmbeddingJobResult,
  FinishedState,
  FinishReason,
  JobResult,
  JobState,
  JobView,
  TimelineEntry,
  TokenUsage,
  WebhookEntry,
  WebhookEventType,
} from './job.js';
export type {
  ChainEntry,
  ChatMessage,
  ContentPart,
  ImagePart,
  JobInput,
  StructuredOutput,
  TextPart,
} from './job-input.js';
export { maxBulkJobs } from './job-input.js';
export type {
  BreakerState,
  BudgetView,
  CapacityState,
  LimitBucketView,
  ProviderLimitsView,
  ProviderStatus,
  ProvidersResponse,
} from './provider-status.js';
export type {
  CacheStats,
  ModelStats,
  ProviderStats,
  StatsReport,
  StatsTotals,
  TokensAndCost,
} from './stats-report.js';
export type { Redelivery, WebhookEvent } from './webhook-event.js';

/** One message of a conversation. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One entry of a fallback chain: a provider named in the config and one of its models. */
export interface ChainEntry {
  provider: string;
  model: string;
  /** Overrides the provider's timeoutMs for this entry. */
  timeoutMs?: number;
  /** Send through the provider's batch API at its batch price; the next entry serves what it cannot. */
  batch?: boolean;
}

/**
 * A job as producers submit it (`POST /v1/jobs`, each item of `/v1/jobs/bulk`). Give exactly one of
 * `messages` or `prompt`, and at most one of `route` or `chain`; the server validates every field.
 */
export interface JobInput {
  /** A route from the config; the config's defaultRoute when neither route nor chain is given. */
  route?: string;
  /** The job's own fallback chain, instead of a route (1 to 10 entries). */
  chain?: ChainEntry[];
  /** Send the route's (or chain's) first entry through its provider's batch API, at the batch price. */
  batch?: boolean;
  messages?: ChatMessage[];
  /** A single user message. */
  prompt?: string;
  system?: string;
  maxTokens?: number;
  /** 0 to 2. */
  temperature?: number;
  /** BullMQ priority: 1 is the highest. */
  priority?: number;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** ISO time after which the job fails rather than wait any longer for a provider. */
  deadline?: string;
  /** The same key always names the same job. */
  idempotencyKey?: string;
  /** When every provider of the chain is open: wait for one (defer) or fail at once. @defaultValue defer */
  onAllOpen?: 'defer' | 'fail';
  /** Free data kept with the job. */
  metadata?: Record<string, unknown>;
}

/** Most jobs one `POST /v1/jobs/bulk` request may carry. */
export const maxBulkJobs = 1_000;

/** Text in a message's content. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image in a user message's content: by `url` (the provider fetches it) or inline as base64
 * `data` with its `mediaType` (image/png, image/jpeg, image/gif or image/webp). At most 20 per job;
 * inline images count toward the job's size.
 */
export interface ImagePart {
  type: 'image';
  url?: string;
  data?: string;
  mediaType?: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
}

export type ContentPart = TextPart | ImagePart;

/** One message of a conversation: its content a string, or text and image parts. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

/** Structured output: the answer is a JSON object matching `schema`, returned as the result's `object`. */
export interface StructuredOutput {
  /** A JSON Schema (draft 2020-12) whose root is `{ "type": "object" }`; checked when the job is submitted. */
  schema: Record<string, unknown>;
  /** Given to providers that name the output (schema or tool name): 1 to 64 of A-Z a-z 0-9 _ -. */
  name?: string;
}

/** One entry of a fallback chain: a provider named in the config and one of its models. */
export interface ChainEntry {
  provider: string;
  model: string;
  /** Overrides the provider's timeoutMs for this entry. */
  timeoutMs?: number;
  /** Send through the provider's batch API at its batch price; the next entry serves what it cannot. */
  batch?: boolean;
  /** When this entry has no capacity (rate limit, quota, budget): try the next entry, or wait for this one. @defaultValue next */
  onLimit?: 'next' | 'wait';
}

/**
 * How many entries of the chain are called at once: one after another (`sequential`), the first two
 * available at once, first answer wins (`race`), or the next one only when the current one has not
 * answered within `hedgeAfterMs`.
 */
export type CallStrategy = 'sequential' | 'race' | { hedgeAfterMs: number };

/**
 * A job as producers submit it (`POST /v1/jobs`, each item of `/v1/jobs/bulk`). A completion gives
 * exactly one of `messages` or `prompt`; an embedding (`kind: "embed"`) gives `input` instead. At
 * most one of `route` or `chain`; the server validates every field.
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
  /** How many entries are called at once. @defaultValue sequential */
  strategy?: CallStrategy;
  /**
   * POSTed, signed by the Standard Webhooks convention, when the job completes or fails for good;
   * the config's `webhooks.url` when absent.
   */
  webhook?: { url: string };
  /** `false`: never served from or stored in the result cache; `{ ttlSeconds }`: its own lifetime. */
  cache?: false | { ttlSeconds: number };
  /** While every provider of the chain is open, complete with an expired cached answer instead of waiting. */
  acceptStale?: boolean;
  /** Who the job is for: the config's tenant caps and tenant budgets apply to it. */
  tenant?: string;
  /** complete (the default) answers messages or prompt; embed embeds `input` on a route of embedding models. */
  kind?: 'complete' | 'embed';
  /** With `kind: "embed"`: the text to embed, one string or up to 2,048. */
  input?: string | string[];
  /** Ask for a JSON object matching a schema instead of free text. */
  output?: StructuredOutput;
  /**
   * Stream the answer: its partial text is published on /v1/events as `job.delta` events while it is
   * generated. The stored result is the final text only. Not with `output` or `kind: "embed"`.
   */
  stream?: boolean;
  /** Free data kept with the job. */
  metadata?: Record<string, unknown>;
}

/** Most jobs one `POST /v1/jobs/bulk` request may carry. */
export const maxBulkJobs = 1_000;

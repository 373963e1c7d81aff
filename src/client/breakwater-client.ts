import { setTimeout as delay } from 'node:timers/promises';
import type {
  AcceptedFlow,
  AcceptedJob,
  BatchList,
  BatchView,
  BreakwaterEvent,
  ErrorBody,
  FlowInput,
  FlowView,
  JobInput,
  JobView,
  ProviderStatus,
  Redelivery,
  StatsReport,
} from '../contract/index.js';
import { BreakwaterApiError } from './breakwater-api-error.js';
import { type EventSubscription, type SubscribeOptions, subscribeToEvents } from './event-subscription.js';
import { type EndedJob, type WaitOptions, waitForJobs } from './wait-for-jobs.js';

export interface BreakwaterClientOptions {
  /** The API root, e.g. http://127.0.0.1:3000 */
  url: string;
  /** BREAKWATER_API_TOKEN, when the API requires one. */
  token?: string | undefined;
  /** @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** A request that takes longer fails with code `timeout`. @defaultValue 30000 */
  requestTimeoutMs?: number;
  /**
   * How many times a request refused by the rate limit (429 with Retry-After: nothing was enqueued)
   * is sent again after the wait the API asks for. @defaultValue 5
   */
  rateLimitRetries?: number;
}

/** A small client for Node services: enqueue jobs, read them, wait for them. */
export class BreakwaterClient {
  readonly #url: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #requestTimeoutMs: number;
  readonly #rateLimitRetries: number;

  constructor(options: BreakwaterClientOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#rateLimitRetries = options.rateLimitRetries ?? 5;
  }

  /** Submits one job; the same idempotencyKey returns the same job. */
  enqueue(job: JobInput): Promise<AcceptedJob> {
    return this.#request('POST', '/v1/jobs', job);
  }

  /** Submits up to 1,000 jobs atomically: all are enqueued, or none (errors name `jobs.<index>.<field>`). */
  async enqueueMany(jobs: readonly JobInput[]): Promise<AcceptedJob[]> {
    return (await this.#request<{ jobs: AcceptedJob[] }>('POST', '/v1/jobs/bulk', { jobs })).jobs;
  }

  /**
   * Submits a flow: a tree of steps, children first, each its own job. Its id is its root step's job
   * id, so `wait(id)` waits for the whole flow.
   */
  submitFlow(flow: FlowInput): Promise<AcceptedFlow> {
    return this.#request('POST', '/v1/flows', flow);
  }

  /** A flow's tree with each step's state and result. */
  flow(id: string, signal?: AbortSignal): Promise<FlowView> {
    return this.#request('GET', `/v1/flows/${encodeURIComponent(id)}`, undefined, signal);
  }

  get(id: string, signal?: AbortSignal): Promise<JobView> {
    return this.#request('GET', `/v1/jobs/${encodeURIComponent(id)}`, undefined, signal);
  }

  /** Cancels a job that has not started (409 `conflict` once it has). */
  async cancel(id: string): Promise<void> {
    await this.#request('DELETE', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /** Provider batches, newest first (`GET /v1/batches`). */
  async batches(options: { limit?: number } = {}): Promise<BatchView[]> {
    const query = options.limit === undefined ? '' : `?limit=${options.limit}`;
    return (await this.#request<BatchList>('GET', `/v1/batches${query}`)).batches;
  }

  /** One provider batch (`GET /v1/batches/:id`). */
  async batch(id: string): Promise<BatchView> {
    return this.#request('GET', `/v1/batches/${encodeURIComponent(id)}`);
  }

  /** Sends an ended job's webhook event again, same `webhook-id` (409 `conflict` before it ends, or without a webhook). */
  redeliver(id: string): Promise<Redelivery> {
    return this.#request('POST', `/v1/jobs/${encodeURIComponent(id)}/redeliver`);
  }

  async providers(): Promise<ProviderStatus[]> {
    return (await this.#request<{ providers: ProviderStatus[] }>('GET', '/v1/providers')).providers;
  }

  /** Counters per provider and model, job counts by state, and spend (`GET /v1/stats`). */
  stats(): Promise<StatsReport> {
    return this.#request('GET', '/v1/stats');
  }

  /**
   * Resolves with the job once it is completed or failed: read again the moment `/v1/events` says it
   * finished (polling every `intervalMs` instead where the stream is unavailable). Deferred jobs are
   * simply waited for. A job removed meanwhile rejects with status 404.
   */
  async wait(id: string, options: WaitOptions = {}): Promise<JobView> {
    for await (const job of this.waitFor([id], options)) {
      if (job.state === 'gone') throw new BreakwaterApiError(404, 'not-found', `no job ${id}`);
      return job;
    }
    throw new BreakwaterApiError(0, 'timeout', `job ${id} was not waited for`);
  }

  /**
   * Yields each job as it ends (completed, failed, or `gone` when removed meanwhile), in the order
   * they end, following `/v1/events` with polling as the fallback: `for await (const job of
   * client.waitFor(ids)) …`. Stopping the loop early closes the event stream.
   */
  waitFor(ids: Iterable<string>, options: WaitOptions = {}): AsyncGenerator<EndedJob, void, undefined> {
    return waitForJobs(this, ids, options);
  }

  /**
   * Listens to every job and breaker event from every Breakwater process (`?jobId` keeps one job);
   * resolves once subscribed. Close the subscription when done.
   */
  events(
    onEvent: (event: BreakwaterEvent) => void,
    options: SubscribeOptions = {},
  ): Promise<EventSubscription> {
    return subscribeToEvents(this.#url, this.#token, onEvent, options);
  }

  async #request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    for (let retry = 0; ; retry++) {
      const outcome = await this.#send<T>(method, path, body, signal);
      if (outcome.kind === 'done') return outcome.value;
      if (retry >= this.#rateLimitRetries) throw outcome.error;
      await delay(outcome.retryAfterMs, undefined, signal ? { signal } : {});
    }
  }

  async #send<T>(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<
    { kind: 'done'; value: T } | { kind: 'rate-limited'; retryAfterMs: number; error: BreakwaterApiError }
  > {
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(`${this.#url}${path}`, {
        method,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (timeout.aborted) {
        throw new BreakwaterApiError(
          0,
          'timeout',
          `${method} ${path} took longer than ${this.#requestTimeoutMs} ms`,
        );
      }
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new BreakwaterApiError(0, 'unreachable', `cannot reach Breakwater at ${this.#url} (${reason})`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) return { kind: 'done', value: parsed as T };
    const error = (parsed as ErrorBody | undefined)?.error;
    const refused = new BreakwaterApiError(
      response.status,
      error?.code ?? 'http-error',
      error?.message ?? `HTTP ${response.status} from ${method} ${path}`,
      error?.fields ?? [],
    );
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 429 && retryAfter > 0) {
      return { kind: 'rate-limited', retryAfterMs: retryAfter * 1_000, error: refused };
    }
    throw refused;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

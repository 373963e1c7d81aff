import { expect } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { type ApiRuntime, startApiRuntime } from '../../src/runtime/api-runtime.js';
import { type HarnessOptions, jsonLinesInto, loadedFor, redisUrl, WorkerHarness } from './worker-harness.js';

export interface ApiHarnessOptions extends HarnessOptions {
  token?: string;
  /** Start a worker as well (jobs run); without one, jobs stay where the API put them. */
  worker?: boolean;
  bodyLimit?: string;
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** The real API on a free loopback port, over a WorkerHarness's queue, simulator and config. */
export class ApiHarness extends WorkerHarness {
  api!: ApiRuntime;
  /** The API's warnings and errors, parsed, oldest first: what a failed test shows of the server. */
  readonly apiLogLines: Record<string, unknown>[] = [];

  constructor(private readonly apiOptions: ApiHarnessOptions = {}) {
    super(apiOptions);
  }

  override async start(): Promise<this> {
    await super.start(this.apiOptions.worker ?? false);
    this.api = await startApiRuntime({
      loaded: loadedFor(this.config, this.apiOptions),
      redisUrl: this.apiOptions.url ?? redisUrl,
      logger: createLogger({ level: 'warn', destination: jsonLinesInto(this.apiLogLines) }),
      port: 0,
      token: this.apiOptions.token,
      ...(this.apiOptions.bodyLimit ? { bodyLimit: this.apiOptions.bodyLimit } : {}),
    });
    return this;
  }

  /** A JSON request; `body` is sent as JSON unless it is a string (sent as is). */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.api.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (a page); keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  /**
   * A total outage: both providers of the default route go down, and two warm-up jobs trip their
   * breakers. Resolves once both read open.
   */
  async tripEveryProvider(
    statuses: { primary: number; secondary: number } = { primary: 503, secondary: 529 },
  ) {
    this.simulator.configure('primary', { mode: { kind: 'down', status: statuses.primary } });
    this.simulator.configure('secondary', { mode: { kind: 'down', status: statuses.secondary } });
    await this.request('POST', '/v1/jobs/bulk', { jobs: [{ prompt: 'warm-up 1' }, { prompt: 'warm-up 2' }] });
    await expect
      .poll(() => ['primary', 'secondary'].map((name) => this.circuits.get(name).availability().kind), {
        timeout: 10_000,
      })
      .toEqual(['open', 'open']);
  }

  override async stop(): Promise<void> {
    await this.api?.close();
    await super.stop();
  }
}

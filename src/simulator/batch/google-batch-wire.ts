import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { googleWire } from '../google-wire.js';
import { send } from '../routing.js';
import { isRecord } from '../wire.js';
import type { BatchDesk, DeskBatch, DeskItem, DeskItemResult } from './batch-desk.js';
import { parseJson, readBody } from './http-body.js';

const batchType = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';
const outputType = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput';

/**
 * Gemini's Batch Mode with inline requests over the batch desk:
 * `POST /v1beta/models/{model}:batchGenerateContent` (`batch.input_config.requests.requests` of
 * `{request, metadata: {key}}`) answers a long-running operation `batches/{id}`, polled with
 * `GET /v1beta/batches/{id}` until `done`, its responses inline; `POST …:cancel`; `GET /v1beta/batches`.
 */
export class GoogleBatchWire {
  /** Each batch's model and display name. */
  readonly #names = new Map<string, { model: string; displayName: string }>();

  constructor(private readonly desk: BatchDesk) {}

  /** Whether this path (after `/{provider}/v1beta/`) is a batch endpoint. */
  static matches(rest: readonly string[]): boolean {
    return (
      rest[0] === 'batches' || (rest[0] === 'models' && (rest[1] ?? '').endsWith(':batchGenerateContent'))
    );
  }

  async handle(
    provider: string,
    rest: readonly string[],
    request: IncomingMessage,
    response: ServerResponse,
  ) {
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const down = this.desk.downStatus(provider);
    if (down !== undefined) {
      return send(response, googleWire.error({ id: requestId(), status: down, kind: 'down', model: '' }));
    }
    if (rest[0] === 'models' && method === 'POST') {
      return this.#create(provider, (rest[1] ?? '').split(':')[0] ?? '', parseJson(body), response);
    }
    const [, target] = rest;
    if (target === undefined && method === 'GET') {
      return ok(response, { operations: this.desk.list(provider).map((batch) => this.#render(batch)) });
    }
    const [id, action] = (target ?? '').split(':');
    const batch =
      method === 'POST' && action === 'cancel'
        ? this.desk.cancel(provider, `batches/${id}`)
        : method === 'GET' && action === undefined
          ? this.desk.get(provider, `batches/${id}`)
          : undefined;
    if (batch) return ok(response, method === 'POST' ? {} : this.#render(batch));
    return failure(response, 404, 'NOT_FOUND', `Batch batches/${id} not found.`);
  }

  #create(provider: string, model: string, body: unknown, response: ServerResponse) {
    const batch = isRecord(body) && isRecord(body.batch) ? body.batch : undefined;
    const input =
      batch && isRecord(batch.input_config ?? batch.inputConfig)
        ? (batch.input_config ?? batch.inputConfig)
        : undefined;
    const requests = isRecord(input) && isRecord(input.requests) ? input.requests.requests : undefined;
    if (
      !batch ||
      typeof (batch.display_name ?? batch.displayName) !== 'string' ||
      !Array.isArray(requests) ||
      requests.length === 0
    ) {
      return failure(
        response,
        400,
        'INVALID_ARGUMENT',
        '* BatchGenerateContentRequest.batch: display_name and input_config.requests are required',
      );
    }
    const items: DeskItem[] = [];
    for (const [index, entry] of requests.entries()) {
      const key = isRecord(entry) && isRecord(entry.metadata) ? entry.metadata.key : undefined;
      const call = isRecord(entry)
        ? googleWire.parse(entry.request, model)
        : { invalid: 'request is required' };
      if ('invalid' in call)
        return failure(response, 400, 'INVALID_ARGUMENT', `requests[${index}]: ${call.invalid}`);
      items.push({ customId: typeof key === 'string' ? key : String(index), call });
    }
    const displayName = String(batch.display_name ?? batch.displayName);
    const created = this.desk.create(provider, 'google', items, { idPrefix: 'batches/', tag: displayName });
    this.#names.set(created.id, { model, displayName });
    ok(response, this.#render(created));
  }

  #render(batch: DeskBatch) {
    const names = this.#names.get(batch.id) ?? { model: '', displayName: '' };
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const results = [...(batch.results?.values() ?? [])];
    const succeeded = results.filter((result) => result.kind === 'ok').length;
    const metadata = {
      '@type': batchType,
      model: `models/${names.model}`,
      displayName: names.displayName,
      createTime: iso(batch.createdAt),
      ...(batch.state === 'in_progress' ? {} : { endTime: iso(batch.endedAt) }),
      batchStats: {
        requestCount: String(batch.items.length),
        ...(batch.results
          ? {
              successfulRequestCount: String(succeeded),
              failedRequestCount: String(results.length - succeeded),
            }
          : {}),
        ...(batch.state === 'in_progress' ? { pendingRequestCount: String(batch.items.length) } : {}),
      },
      state: googleState[batch.state],
      name: batch.id,
    };
    const done = batch.state !== 'in_progress';
    return {
      name: batch.id,
      metadata,
      ...(done ? { done: true } : {}),
      ...(batch.state === 'failed' ? { error: { code: 13, message: 'The batch failed.' } } : {}),
      ...(batch.results
        ? {
            response: {
              '@type': outputType,
              inlinedResponses: {
                inlinedResponses: batch.items.map((item) => inlined(item, batch.results?.get(item.customId))),
              },
            },
          }
        : {}),
    };
  }
}

function inlined(item: DeskItem, result: DeskItemResult | undefined) {
  const metadata = { key: item.customId };
  switch (result?.kind) {
    case 'ok':
      return { response: googleWire.success(result.facts).body, metadata };
    case 'error': {
      const reply = googleWire.error({
        id: requestId(),
        status: result.status,
        kind: 'error-rate',
        model: item.call.model,
      });
      const error = isRecord(reply.body) && isRecord(reply.body.error) ? reply.body.error : {};
      return { error: { code: result.status, message: error.message, status: error.status }, metadata };
    }
    case 'expired':
      return {
        error: {
          code: 4,
          message: 'The batch expired before this request ran.',
          status: 'DEADLINE_EXCEEDED',
        },
        metadata,
      };
    default:
      return { error: { code: 1, message: 'The batch was cancelled.', status: 'CANCELLED' }, metadata };
  }
}

/** A batch's state as Gemini's batch resource names it. */
const googleState: Readonly<Record<DeskBatch['state'], string>> = {
  in_progress: 'BATCH_STATE_RUNNING',
  ended: 'BATCH_STATE_SUCCEEDED',
  failed: 'BATCH_STATE_FAILED',
  expired: 'BATCH_STATE_EXPIRED',
  cancelled: 'BATCH_STATE_CANCELLED',
};

function requestId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 24);
}

function ok(response: ServerResponse, body: unknown): void {
  send(response, { status: 200, headers: {}, body });
}

function failure(response: ServerResponse, code: number, status: string, message: string): void {
  send(response, { status: code, headers: {}, body: { error: { code, message, status } } });
}

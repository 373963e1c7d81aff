import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicWire } from '../anthropic-wire.js';
import { send } from '../routing.js';
import { isRecord } from '../wire.js';
import { batchPage, batchPageQuery } from './anthropic-batch-page.js';
import type { BatchDesk, DeskBatch, DeskItem, DeskItemResult } from './batch-desk.js';
import { parseJson, readBody, sendJsonl } from './http-body.js';

/**
 * Anthropic's Message Batches over the batch desk: `POST /v1/messages/batches` (`requests` of
 * `{custom_id, params}`), `GET /v1/messages/batches` (paged as Anthropic pages it), `GET …/{id}`, `POST …/{id}/cancel`, and the JSONL
 * results at `results_url` (`GET …/{id}/results`). Anthropic fails no batch as a whole once created:
 * a batch the profile fails ends with every item errored.
 */
export class AnthropicBatchWire {
  constructor(private readonly desk: BatchDesk) {}

  /** Whether this path (after `/{provider}/v1/`) is a batch endpoint. */
  static matches(rest: readonly string[]): boolean {
    return rest[0] === 'messages' && rest[1] === 'batches';
  }

  async handle(
    provider: string,
    rest: readonly string[],
    request: IncomingMessage,
    response: ServerResponse,
    root: string,
  ) {
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const down = this.desk.downStatus(provider);
    if (down !== undefined) {
      return send(response, anthropicWire.error({ id: requestId(), status: down, kind: 'down', model: '' }));
    }
    const [, , id, action] = rest;
    const base = `${root}/${encodeURIComponent(provider)}/v1/messages/batches`;
    if (method === 'POST' && id === undefined) return this.#create(provider, parseJson(body), response, base);
    if (method === 'GET' && id === undefined) return this.#list(provider, request, response, base);
    if (id !== undefined) {
      if (method === 'GET' && action === 'results') return this.#results(provider, id, response);
      const batch =
        method === 'POST' && action === 'cancel'
          ? this.desk.cancel(provider, id)
          : method === 'GET' && action === undefined
            ? this.desk.get(provider, id)
            : undefined;
      if (batch) return ok(response, render(batch, base));
    }
    return invalid(response, 404, 'not_found_error', `No such message batch: ${id ?? rest.join('/')}`);
  }

  #create(provider: string, body: unknown, response: ServerResponse, base: string) {
    if (!isRecord(body) || !Array.isArray(body.requests) || body.requests.length === 0) {
      return invalid(response, 400, 'invalid_request_error', 'requests: Field required');
    }
    const items: DeskItem[] = [];
    const seen = new Set<string>();
    for (const [index, entry] of body.requests.entries()) {
      if (
        !isRecord(entry) ||
        typeof entry.custom_id !== 'string' ||
        !/^[a-zA-Z0-9_-]{1,64}$/.test(entry.custom_id)
      ) {
        return invalid(
          response,
          400,
          'invalid_request_error',
          `requests.${index}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`,
        );
      }
      if (seen.has(entry.custom_id)) {
        return invalid(
          response,
          400,
          'invalid_request_error',
          `requests.${index}.custom_id: duplicate custom_id ${entry.custom_id}`,
        );
      }
      seen.add(entry.custom_id);
      const call = anthropicWire.parse(entry.params, undefined);
      if ('invalid' in call)
        return invalid(response, 400, 'invalid_request_error', `requests.${index}.params.${call.invalid}`);
      items.push({ customId: entry.custom_id, call });
    }
    ok(response, render(this.desk.create(provider, 'anthropic', items, { idPrefix: 'msgbatch_' }), base));
  }

  /** `GET /v1/messages/batches`: newest first, `limit` (1–1000, default 20), `before_id` / `after_id`. */
  #list(provider: string, request: IncomingMessage, response: ServerResponse, base: string) {
    const query = batchPageQuery(new URL(request.url ?? '/', 'http://simulator').searchParams);
    if ('invalid' in query) return invalid(response, 400, 'invalid_request_error', query.invalid);
    const page = batchPage(this.desk.list(provider), query);
    if ('unknown' in page)
      return invalid(response, 404, 'not_found_error', `No such message batch: ${page.unknown}`);
    ok(response, { ...page, data: page.data.map((batch) => render(batch, base)) });
  }

  #results(provider: string, id: string, response: ServerResponse) {
    const batch = this.desk.get(provider, id);
    if (!batch?.results && batch?.state !== 'failed') {
      return invalid(response, 404, 'not_found_error', `Results for batch ${id} are not available yet`);
    }
    const lines = batch.items.map((item) => ({
      custom_id: item.customId,
      result: resultOf(batch, item, batch.results?.get(item.customId)),
    }));
    sendJsonl(response, lines, 'application/binary');
  }
}

function resultOf(batch: DeskBatch, item: DeskItem, result: DeskItemResult | undefined) {
  if (batch.state === 'failed' || result === undefined) {
    return {
      type: 'errored',
      error: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } },
    };
  }
  switch (result.kind) {
    case 'ok':
      return { type: 'succeeded', message: anthropicWire.success(result.facts).body };
    case 'error': {
      const reply = anthropicWire.error({
        id: requestId(),
        status: result.status,
        kind: 'error-rate',
        model: item.call.model,
      });
      const error = isRecord(reply.body) ? reply.body.error : undefined;
      return { type: 'errored', error: { type: 'error', error } };
    }
    case 'expired':
      return { type: 'expired' };
    case 'cancelled':
      return { type: 'canceled' };
    default:
      throw new Error(`unknown item result ${JSON.stringify(result satisfies never)}`);
  }
}

function render(batch: DeskBatch, base: string) {
  const results = [...(batch.results?.values() ?? [])];
  const count = (kind: DeskItemResult['kind']) => results.filter((result) => result.kind === kind).length;
  const ended = batch.state !== 'in_progress';
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: ended ? 'ended' : 'in_progress',
    request_counts: {
      processing: ended ? 0 : batch.items.length,
      succeeded: count('ok'),
      errored: batch.state === 'failed' ? batch.items.length : count('error'),
      canceled: count('cancelled'),
      expired: count('expired'),
    },
    ended_at: ended ? iso(batch.endedAt) : null,
    created_at: iso(batch.createdAt),
    expires_at: iso(batch.createdAt + 86_400_000),
    archived_at: null,
    cancel_initiated_at: batch.state === 'cancelled' ? iso(batch.endedAt) : null,
    results_url: ended ? `${base}/${batch.id}/results` : null,
  };
}

function requestId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 24);
}

function ok(response: ServerResponse, body: unknown): void {
  send(response, { status: 200, headers: {}, body });
}

function invalid(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, { status, headers: {}, body: { type: 'error', error: { type, message } } });
}

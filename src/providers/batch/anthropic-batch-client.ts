import type { CompletionRequest, CompletionResult, FinishReason } from '../completion.js';
import { searchBatches, searchPageSize, wireCustomId } from './anthropic-batch-search.js';
import type { BatchClient, BatchItemOutcome, ProviderBatchStatus } from './batch-client.js';
import {
  type BatchHttpOptions,
  batchFetch,
  batchJson,
  failure,
  itemError,
  parseJsonl,
} from './batch-http.js';
import { asRecord, itemResult } from './batch-item-result.js';

export interface AnthropicBatchOptions extends Omit<BatchHttpOptions, 'model'> {
  /** The API root with its version path (https://api.anthropic.com/v1). */
  baseURL: string;
}

/** Anthropic requires max_tokens; a job that names none gets this. */
const defaultMaxTokens = 4_096;

/** The HTTP status Anthropic answers each error type with, so an item's error gets a call's verdict. */
const statusOfType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/**
 * Anthropic's Message Batches: one `POST /messages/batches` with every request inline, polled with
 * `GET /messages/batches/{id}` until `ended`, results read as JSONL from its `results_url`. Message
 * batches carry no metadata: each request's `custom_id` carries the batch's tag instead, and `find`
 * weighs the batches listed since the claim by their results (`anthropic-batch-search.ts`).
 */
export function anthropicBatchClient(options: AnthropicBatchOptions): BatchClient {
  const root = options.baseURL.replace(/\/+$/, '');
  const headers = {
    'anthropic-version': '2023-06-01',
    ...(options.secret === undefined ? {} : { 'x-api-key': options.secret }),
  };
  const http = (model = '') => ({ ...options, model });
  const getJson = async (url: string, model?: string) =>
    asRecord(await batchJson(http(model), await batchFetch(http(model), url, { headers })));
  /** An ended batch's result lines, read from its `results_url`. */
  const resultLines = async (batchId: string, model: string) => {
    const batch = await getJson(`${root}/messages/batches/${encodeURIComponent(batchId)}`, model);
    const url =
      typeof batch.results_url === 'string'
        ? batch.results_url
        : `${root}/messages/batches/${encodeURIComponent(batchId)}/results`;
    const response = await batchFetch(http(model), url, { headers });
    return parseJsonl(await response.text()).map(asRecord);
  };

  return {
    provider: options.provider,
    async find(submission) {
      return searchBatches(
        {
          async page(afterId) {
            const query = `limit=${searchPageSize}${afterId === undefined ? '' : `&after_id=${encodeURIComponent(afterId)}`}`;
            const list = await getJson(`${root}/messages/batches?${query}`);
            return {
              data: Array.isArray(list.data) ? list.data.map(asRecord) : [],
              hasMore: list.has_more === true,
            };
          },
          async customIds(batchId) {
            const lines = await resultLines(batchId, '');
            return lines.flatMap((line) => (typeof line.custom_id === 'string' ? [line.custom_id] : []));
          },
        },
        submission,
      );
    },
    async submit(tag, model, items) {
      const body = {
        requests: items.map((item) => ({
          custom_id: wireCustomId(tag, item.customId),
          params: paramsOf(model, item.request),
        })),
      };
      const batch = asRecord(
        await batchJson(
          http(model),
          await batchFetch(http(model), `${root}/messages/batches`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        ),
      );
      if (typeof batch.id !== 'string')
        throw failure(http(model), 'invalid-response', 'the batch answered with no id');
      return batch.id;
    },
    async status(batchId) {
      const batch = await getJson(`${root}/messages/batches/${encodeURIComponent(batchId)}`);
      const raw = typeof batch.processing_status === 'string' ? batch.processing_status : 'unknown';
      // Cancelled and expired items are told apart in the results; the batch itself just ends.
      return raw === 'ended'
        ? { state: 'ended', raw }
        : ({ state: 'in-progress', raw } satisfies ProviderBatchStatus);
    },
    async results(batchId, model, items, tag) {
      const lines = new Map<string, Record<string, unknown>>();
      for (const line of await resultLines(batchId, model)) {
        if (typeof line.custom_id === 'string') lines.set(line.custom_id, asRecord(line.result));
      }
      return items.map((item): BatchItemOutcome => {
        // A batch submitted before custom ids carried the tag names the item by its own id.
        const result = lines.get(wireCustomId(tag, item.customId)) ?? lines.get(item.customId);
        return result === undefined
          ? { customId: item.customId, kind: 'expired' }
          : outcomeOf(item.customId, result, http(model));
      });
    },
    async cancel(batchId) {
      await batchFetch(http(), `${root}/messages/batches/${encodeURIComponent(batchId)}/cancel`, {
        method: 'POST',
        headers,
      });
    },
  };
}

function paramsOf(model: string, request: CompletionRequest) {
  const messages = [
    ...(request.messages ?? []),
    ...(request.prompt === undefined ? [] : [{ role: 'user' as const, content: request.prompt }]),
  ];
  const system = [
    request.system,
    ...messages.filter((message) => message.role === 'system').map((message) => message.content),
  ]
    .filter((text) => text !== undefined)
    .join('\n');
  return {
    model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages: messages.filter((message) => message.role !== 'system'),
    ...(system === '' ? {} : { system }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

function outcomeOf(
  customId: string,
  result: Record<string, unknown>,
  options: BatchHttpOptions,
): BatchItemOutcome {
  switch (result.type) {
    case 'succeeded': {
      const completion = resultOf(asRecord(result.message));
      if (completion) return { customId, kind: 'ok', result: completion };
      return {
        customId,
        kind: 'errored',
        error: failure(options, 'invalid-response', 'the item answered with no text'),
      };
    }
    case 'expired':
      return { customId, kind: 'expired' };
    case 'canceled':
      return { customId, kind: 'cancelled' };
    default: {
      const error = asRecord(asRecord(result.error).error);
      const status = typeof error.type === 'string' ? statusOfType[error.type] : undefined;
      return {
        customId,
        kind: 'errored',
        error: itemError(options, status ?? 500, { error }, 'the item errored'),
      };
    }
  }
}

function resultOf(message: Record<string, unknown>): CompletionResult | undefined {
  if (!Array.isArray(message.content)) return undefined;
  const text = message.content
    .map(asRecord)
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('');
  const usage = asRecord(message.usage);
  return itemResult(
    text,
    message.stop_reason,
    anthropicFinishReasons,
    usage.input_tokens,
    usage.output_tokens,
  );
}

const anthropicFinishReasons: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
};

import type { CompletionRequest, CompletionResult, FinishReason } from '../completion.js';
import type { BatchClient, BatchItemOutcome, ProviderBatchStatus } from './batch-client.js';
import { type BatchHttpOptions, batchFetch, batchJson, failure, itemError } from './batch-http.js';
import { asRecord, itemResult } from './batch-item-result.js';

export interface GoogleBatchOptions extends Omit<BatchHttpOptions, 'model'> {
  /** The API root with its version path (https://generativelanguage.googleapis.com/v1beta). */
  baseURL: string;
}

/** Pages of the batch list read when looking for a batch by its display name. */
const maxFindPages = 10;

/** The HTTP status of each google.rpc status, so an item's error gets a call's verdict. */
const statusOfCode: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * Gemini's Batch Mode with inline requests: `POST /models/{model}:batchGenerateContent` (the batch
 * named by its display name, each request keyed in its metadata) answers a long-running operation
 * `batches/{id}`, polled with `GET /batches/{id}` until done; its responses come inline, in order.
 */
export function googleBatchClient(options: GoogleBatchOptions): BatchClient {
  const root = options.baseURL.replace(/\/+$/, '');
  const headers = options.secret === undefined ? {} : { 'x-goog-api-key': options.secret };
  const http = (model = '') => ({ ...options, model });
  const getJson = async (path: string, model?: string) =>
    asRecord(await batchJson(http(model), await batchFetch(http(model), `${root}/${path}`, { headers })));
  const operation = (name: string, model?: string) =>
    getJson(name.split('/').map(encodeURIComponent).join('/'), model);

  return {
    provider: options.provider,
    async find({ tag }) {
      let pageToken: string | undefined;
      for (let page = 0; page < maxFindPages; page += 1) {
        const list = await getJson(
          `batches?pageSize=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
        );
        const operations = Array.isArray(list.operations) ? list.operations.map(asRecord) : [];
        const found = operations.find((entry) => asRecord(entry.metadata).displayName === tag);
        if (found && typeof found.name === 'string') return { kind: 'found', providerBatchId: found.name };
        if (typeof list.nextPageToken !== 'string' || list.nextPageToken === '') return { kind: 'absent' };
        pageToken = list.nextPageToken;
      }
      return { kind: 'absent' };
    },
    async submit(tag, model, items) {
      const body = {
        batch: {
          display_name: tag,
          input_config: {
            requests: {
              requests: items.map((item) => ({
                request: requestOf(item.request),
                metadata: { key: item.customId },
              })),
            },
          },
        },
      };
      const created = asRecord(
        await batchJson(
          http(model),
          await batchFetch(http(model), `${root}/models/${encodeURIComponent(model)}:batchGenerateContent`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        ),
      );
      if (typeof created.name !== 'string')
        throw failure(http(model), 'invalid-response', 'the batch answered with no name');
      return created.name;
    },
    async status(batchId) {
      return statusOf(await operation(batchId));
    },
    async results(batchId, model, items) {
      const found = await operation(batchId, model);
      const ended = statusOf(found).state;
      const response = asRecord(found.response);
      const nested = response.inlinedResponses;
      const inlined = Array.isArray(nested) ? nested : asRecord(nested).inlinedResponses;
      const outcomes = new Map<string, BatchItemOutcome>();
      for (const [index, entry] of (Array.isArray(inlined) ? inlined : []).map(asRecord).entries()) {
        const key = asRecord(entry.metadata).key;
        // Responses come in the order of the requests; the key names each when it is there.
        const customId = typeof key === 'string' ? key : items[index]?.customId;
        if (customId !== undefined) outcomes.set(customId, outcomeOf(customId, entry, ended, http(model)));
      }
      return items.map(
        (item) =>
          outcomes.get(item.customId) ?? {
            customId: item.customId,
            kind: ended === 'cancelled' ? 'cancelled' : 'expired',
          },
      );
    },
    async cancel(batchId) {
      await batchFetch(http(), `${root}/${batchId.split('/').map(encodeURIComponent).join('/')}:cancel`, {
        method: 'POST',
        headers,
      });
    },
  };
}

function requestOf(request: CompletionRequest) {
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
  const generationConfig = {
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
  return {
    contents: messages
      .filter((message) => message.role !== 'system')
      .map((message) => ({
        role: message.role === 'assistant' ? 'model' : 'user',
        parts: [{ text: message.content }],
      })),
    ...(system === '' ? {} : { systemInstruction: { parts: [{ text: system }] } }),
    ...(Object.keys(generationConfig).length === 0 ? {} : { generationConfig }),
  };
}

function statusOf(found: Record<string, unknown>): ProviderBatchStatus {
  const raw = asRecord(found.metadata).state;
  const state = typeof raw === 'string' ? raw : 'unknown';
  switch (state) {
    case 'BATCH_STATE_SUCCEEDED':
      return { state: 'ended', raw: state };
    case 'BATCH_STATE_FAILED': {
      const message = asRecord(found.error).message;
      return {
        state: 'failed',
        raw: state,
        reason: typeof message === 'string' ? message : 'the provider failed the batch',
      };
    }
    case 'BATCH_STATE_EXPIRED':
      return { state: 'expired', raw: state };
    case 'BATCH_STATE_CANCELLED':
      return { state: 'cancelled', raw: state };
    default:
      return { state: 'in-progress', raw: state };
  }
}

function outcomeOf(
  customId: string,
  entry: Record<string, unknown>,
  ended: ProviderBatchStatus['state'],
  options: BatchHttpOptions,
): BatchItemOutcome {
  const result = entry.response === undefined ? undefined : resultOf(asRecord(entry.response));
  if (result) return { customId, kind: 'ok', result };
  if (ended === 'expired') return { customId, kind: 'expired' };
  if (ended === 'cancelled') return { customId, kind: 'cancelled' };
  const error = asRecord(entry.error);
  const status = typeof error.status === 'string' ? statusOfCode[error.status] : undefined;
  return {
    customId,
    kind: 'errored',
    error: itemError(options, status ?? 500, { error }, 'the item errored'),
  };
}

function resultOf(response: Record<string, unknown>): CompletionResult | undefined {
  const candidate = asRecord(Array.isArray(response.candidates) ? response.candidates[0] : undefined);
  const parts = asRecord(candidate.content).parts;
  if (!Array.isArray(parts)) return undefined;
  const text = parts
    .map(asRecord)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
  const usage = asRecord(response.usageMetadata);
  return itemResult(
    text,
    candidate.finishReason,
    geminiFinishReasons,
    usage.promptTokenCount,
    usage.candidatesTokenCount,
  );
}

const geminiFinishReasons: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content-filter',
  RECITATION: 'content-filter',
  BLOCKLIST: 'content-filter',
  PROHIBITED_CONTENT: 'content-filter',
};

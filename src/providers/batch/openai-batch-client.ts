import type { CompletionRequest, CompletionResult, FinishReason } from '../completion.js';
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

export interface OpenAIBatchOptions extends Omit<BatchHttpOptions, 'model'> {
  /** The API root with its version path (https://api.openai.com/v1). */
  baseURL: string;
}

const endpoint = '/v1/chat/completions';
/** The metadata key a batch is tagged with, so a retried submit finds it. */
const tagKey = 'breakwater_batch';
/** Pages of the batch list read when looking for a tagged batch (newest first). */
const maxFindPages = 10;

/**
 * OpenAI's Batch API: the requests go up as a JSONL file (`POST /files`, purpose `batch`), the batch
 * is created over it (`POST /batches`, tagged in its metadata), polled (`GET /batches/{id}`), and
 * read from its output and error files (`GET /files/{id}/content`).
 */
export function openaiBatchClient(options: OpenAIBatchOptions): BatchClient {
  const root = options.baseURL.replace(/\/+$/, '');
  const headers = options.secret === undefined ? {} : { authorization: `Bearer ${options.secret}` };
  const http = (model = '') => ({ ...options, model });
  const getJson = async (path: string, model?: string) =>
    batchJson(http(model), await batchFetch(http(model), `${root}${path}`, { headers }));
  const postJson = async (path: string, body: unknown, model?: string) =>
    batchJson(
      http(model),
      await batchFetch(http(model), `${root}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );

  return {
    provider: options.provider,
    async find({ tag }) {
      let after: string | undefined;
      for (let page = 0; page < maxFindPages; page += 1) {
        const list = asRecord(
          await getJson(`/batches?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`),
        );
        const data = Array.isArray(list.data) ? list.data.map(asRecord) : [];
        const found = data.find((batch) => asRecord(batch.metadata)[tagKey] === tag);
        if (found && typeof found.id === 'string') return { kind: 'found', providerBatchId: found.id };
        if (list.has_more !== true || typeof list.last_id !== 'string') return { kind: 'absent' };
        after = list.last_id;
      }
      return { kind: 'absent' };
    },
    async submit(tag, model, items) {
      const lines = items.map((item) =>
        JSON.stringify({
          custom_id: item.customId,
          method: 'POST',
          url: endpoint,
          body: bodyOf(model, item.request),
        }),
      );
      const form = new FormData();
      form.append('purpose', 'batch');
      form.append('file', new Blob([`${lines.join('\n')}\n`], { type: 'application/jsonl' }), `${tag}.jsonl`);
      const upload = asRecord(
        await batchJson(
          http(model),
          await batchFetch(http(model), `${root}/files`, { method: 'POST', headers, body: form }),
        ),
      );
      if (typeof upload.id !== 'string')
        throw failure(http(model), 'invalid-response', 'the file upload answered with no id');
      const batch = asRecord(
        await postJson(
          '/batches',
          { input_file_id: upload.id, endpoint, completion_window: '24h', metadata: { [tagKey]: tag } },
          model,
        ),
      );
      if (typeof batch.id !== 'string')
        throw failure(http(model), 'invalid-response', 'the batch answered with no id');
      return batch.id;
    },
    async status(batchId) {
      return statusOf(asRecord(await getJson(`/batches/${encodeURIComponent(batchId)}`)));
    },
    async results(batchId, model, items) {
      const batch = asRecord(await getJson(`/batches/${encodeURIComponent(batchId)}`));
      const lines: unknown[] = [];
      for (const field of ['output_file_id', 'error_file_id'] as const) {
        const fileId = batch[field];
        if (typeof fileId !== 'string') continue;
        const response = await batchFetch(
          http(model),
          `${root}/files/${encodeURIComponent(fileId)}/content`,
          { headers },
        );
        lines.push(...parseJsonl(await response.text()));
      }
      const outcomes = new Map<string, BatchItemOutcome>();
      for (const line of lines.map(asRecord)) {
        if (typeof line.custom_id !== 'string') continue;
        outcomes.set(line.custom_id, outcomeOf(line.custom_id, line, http(model)));
      }
      const ended = statusOf(batch).state;
      // An item the files do not mention did not run: expired with its batch, else cancelled.
      return items.map(
        (item) =>
          outcomes.get(item.customId) ?? {
            customId: item.customId,
            kind: ended === 'cancelled' ? 'cancelled' : 'expired',
          },
      );
    },
    async cancel(batchId) {
      await postJson(`/batches/${encodeURIComponent(batchId)}/cancel`, {});
    },
  };
}

function bodyOf(model: string, request: CompletionRequest) {
  const messages = [
    ...(request.system === undefined ? [] : [{ role: 'system', content: request.system }]),
    ...(request.messages ?? []),
    ...(request.prompt === undefined ? [] : [{ role: 'user', content: request.prompt }]),
  ];
  return {
    model,
    messages,
    ...(request.maxTokens === undefined ? {} : { max_completion_tokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

function statusOf(batch: Record<string, unknown>): ProviderBatchStatus {
  const raw = typeof batch.status === 'string' ? batch.status : 'unknown';
  switch (raw) {
    case 'completed':
      return { state: 'ended', raw };
    case 'failed': {
      const first = asRecord(
        (Array.isArray(asRecord(batch.errors).data) ? (asRecord(batch.errors).data as unknown[]) : [])[0],
      );
      return {
        state: 'failed',
        raw,
        reason: typeof first.message === 'string' ? first.message : 'the provider failed the batch',
      };
    }
    case 'expired':
      return { state: 'expired', raw };
    case 'cancelled':
      return { state: 'cancelled', raw };
    default:
      // validating, in_progress, finalizing, cancelling
      return { state: 'in-progress', raw };
  }
}

function outcomeOf(
  customId: string,
  line: Record<string, unknown>,
  options: BatchHttpOptions,
): BatchItemOutcome {
  const response = asRecord(line.response);
  const error = asRecord(line.error);
  if (typeof error.code === 'string') {
    if (error.code === 'batch_expired') return { customId, kind: 'expired' };
    if (error.code === 'batch_cancelled') return { customId, kind: 'cancelled' };
    return { customId, kind: 'errored', error: itemError(options, undefined, { error }, error.code) };
  }
  const status = typeof response.status_code === 'number' ? response.status_code : undefined;
  if (status !== 200)
    return { customId, kind: 'errored', error: itemError(options, status, response.body, `HTTP ${status}`) };
  const result = resultOf(asRecord(response.body));
  if (!result)
    return {
      customId,
      kind: 'errored',
      error: failure(options, 'invalid-response', 'the item answered with no message'),
    };
  return { customId, kind: 'ok', result };
}

function resultOf(body: Record<string, unknown>): CompletionResult | undefined {
  const choice = asRecord(Array.isArray(body.choices) ? body.choices[0] : undefined);
  const content = asRecord(choice.message).content;
  if (typeof content !== 'string') return undefined;
  const usage = asRecord(body.usage);
  return itemResult(
    content,
    choice.finish_reason,
    openaiFinishReasons,
    usage.prompt_tokens,
    usage.completion_tokens,
  );
}

const openaiFinishReasons: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
};

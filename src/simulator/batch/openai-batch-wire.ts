import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openaiWire } from '../openai-wire.js';
import { send } from '../routing.js';
import { isRecord } from '../wire.js';
import type { BatchDesk, DeskBatch } from './batch-desk.js';
import { parseJson, readBody, sendJsonl } from './http-body.js';
import { parseMultipart } from './multipart.js';
import { batchEndpoint, type InputError, parseInputLines } from './openai-batch-input.js';
import { openaiBatchObject } from './openai-batch-object.js';
import { resultLines } from './openai-batch-output.js';
import { OpenAIFileStore } from './openai-file-store.js';

/**
 * OpenAI's Batch API over the batch desk: `POST /v1/files` (purpose `batch`, JSONL of `{custom_id,
 * method, url, body}`), `POST /v1/batches`, `GET /v1/batches[/{id}]`, `POST /v1/batches/{id}/cancel`
 * and `GET /v1/files/{id}/content` for the output and error files.
 */
export class OpenAIBatchWire {
  readonly #files: OpenAIFileStore;
  /** Validation errors of batches failed on arrival, by batch id. */
  readonly #invalid = new Map<string, InputError>();
  /** Each batch's input file id. */
  readonly #inputFiles = new Map<string, string>();

  constructor(
    private readonly desk: BatchDesk,
    now: () => number,
  ) {
    this.#files = new OpenAIFileStore(now);
  }

  /** Whether this path (after `/{provider}/v1/`) is a batch endpoint. */
  static matches(rest: readonly string[]): boolean {
    return rest[0] === 'files' || rest[0] === 'batches';
  }

  async handle(
    provider: string,
    rest: readonly string[],
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    const down = this.desk.downStatus(provider);
    if (down !== undefined) {
      return send(response, openaiWire.error({ id: requestId(), status: down, kind: 'down', model: '' }));
    }
    const [collection, id, action] = rest;
    if (collection === 'files' && method === 'POST' && id === undefined) {
      return this.#upload(provider, body, request.headers['content-type'], response);
    }
    if (collection === 'files' && method === 'GET' && id !== undefined && action === 'content') {
      return this.#content(provider, id, response);
    }
    if (collection === 'batches' && method === 'POST' && id === undefined) {
      return this.#create(provider, parseJson(body), response);
    }
    if (collection === 'batches' && method === 'GET' && id === undefined) {
      const data = this.desk.list(provider).map((batch) => this.#render(batch));
      return ok(response, {
        object: 'list',
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: false,
      });
    }
    if (collection === 'batches' && id !== undefined) {
      const batch =
        method === 'POST' && action === 'cancel'
          ? this.desk.cancel(provider, id)
          : method === 'GET' && action === undefined
            ? this.desk.get(provider, id)
            : undefined;
      if (batch) return ok(response, this.#render(batch));
    }
    return notFound(response, `No such resource: ${rest.join('/')}`);
  }

  #render(batch: DeskBatch) {
    return openaiBatchObject(batch, this.#inputFiles.get(batch.id), this.#invalid.get(batch.id));
  }

  #upload(provider: string, body: Buffer, contentType: string | undefined, response: ServerResponse) {
    const parts = parseMultipart(body, contentType);
    const purpose = parts?.find((part) => part.name === 'purpose')?.content.toString('utf8');
    const file = parts?.find((part) => part.name === 'file');
    if (!parts || !file) return invalid(response, "'file' is a required property");
    if (purpose !== 'batch') return invalid(response, "'purpose' must be 'batch' for batch input files");
    const stored = this.#files.add(provider, {
      filename: file.filename ?? 'upload.jsonl',
      purpose,
      content: file.content.toString('utf8'),
    });
    ok(response, {
      id: stored.id,
      object: 'file',
      bytes: file.content.length,
      created_at: Math.floor(stored.createdAt / 1000),
      filename: stored.filename,
      purpose,
      status: 'processed',
      status_details: null,
    });
  }

  #create(provider: string, body: unknown, response: ServerResponse) {
    if (!isRecord(body) || typeof body.input_file_id !== 'string') {
      return invalid(response, "'input_file_id' is a required property");
    }
    if (body.endpoint !== batchEndpoint) {
      return invalid(response, `the simulator batches only ${batchEndpoint}`);
    }
    if (body.completion_window !== '24h') return invalid(response, "'completion_window' must be '24h'");
    const file = this.#files.get(provider, body.input_file_id);
    if (!file) {
      return notFound(response, `No such File object: ${body.input_file_id}`);
    }
    const parsed = parseInputLines(file.content);
    const tag = isRecord(body.metadata) ? JSON.stringify(body.metadata) : undefined;
    const batch = this.desk.create(provider, 'openai', 'items' in parsed ? parsed.items : [], {
      idPrefix: 'batch_',
      tag,
    });
    this.#inputFiles.set(batch.id, file.id);
    if ('error' in parsed) {
      batch.state = 'failed';
      batch.endedAt = batch.createdAt;
      this.#invalid.set(batch.id, parsed.error);
    }
    ok(response, this.#render(batch));
  }

  #content(provider: string, fileId: string, response: ServerResponse) {
    const stored = this.#files.get(provider, fileId);
    if (stored) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void response.end(stored.content);
    }
    const match = /^file-(out|err)-(.+)$/.exec(fileId);
    const batch = match?.[2] ? this.desk.get(provider, match[2]) : undefined;
    if (!match || !batch?.results) return notFound(response, `No such File object: ${fileId}`);
    sendJsonl(response, resultLines(batch, match[1] === 'out'), 'application/octet-stream');
  }
}

function requestId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 24);
}

function ok(response: ServerResponse, body: unknown): void {
  send(response, { status: 200, headers: {}, body });
}

function invalid(response: ServerResponse, message: string): void {
  send(response, {
    status: 400,
    headers: {},
    body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
  });
}

function notFound(response: ServerResponse, message: string): void {
  send(response, {
    status: 404,
    headers: {},
    body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
  });
}

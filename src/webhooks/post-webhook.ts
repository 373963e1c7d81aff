import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DeliveryOutcome } from './delivery-verdict.js';
import { type AddressPolicy, checkHost, guardedLookup } from './webhook-address.js';

export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: AddressPolicy;
  now?: () => number;
  signal?: AbortSignal;
}

/** Most bytes of a receiver's answer read (and thrown away): only its status matters. */
const maxAnswerBytes = 64 * 1024;

/**
 * POSTs one webhook: the host is checked (and resolved) first, the socket goes only to the checked
 * addresses, and the whole exchange must end within `timeoutMs`. Never throws: every ending is an
 * outcome.
 */
export async function postWebhook(options: PostOptions): Promise<DeliveryOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const url = new URL(options.url);
  const check = await checkHost(url.hostname, options.policy);
  if (check.kind === 'refused') return { kind: 'refused', error: check.reason, durationMs: now() - started };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<DeliveryOutcome>((resolve) => {
    const noAnswer = (error: unknown) =>
      resolve({
        kind: 'no-answer',
        error: timeout.aborted
          ? `timed out after ${options.timeoutMs} ms`
          : error instanceof Error
            ? error.message
            : String(error),
        durationMs: now() - started,
      });
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(options.body),
          'user-agent': 'Breakwater-Webhooks',
          ...options.headers,
        },
        lookup: guardedLookup(check.addresses),
        signal,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxAnswerBytes) response.destroy();
        });
        const answered = () =>
          resolve({ kind: 'answered', status: response.statusCode ?? 0, durationMs: now() - started });
        response.once('end', answered);
        response.once('close', answered);
        response.once('error', answered);
      },
    );
    outgoing.once('error', noAnswer);
    outgoing.end(options.body);
  });
}

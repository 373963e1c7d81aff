import { APICallError, streamText } from 'ai';
import { knownSecrets } from '../logging/known-secrets.js';
import type { ClassifyContext } from './classify-error.js';
import { ProviderError } from './provider-error.js';

type StreamSettings = Parameters<typeof streamText>[0];

/** What a finished stream gives, in the shape `generateText` results have. */
export interface StreamedCompletion {
  text: string;
  finishReason: string;
  rawFinishReason?: string | undefined;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
  response: { headers?: Record<string, string> | undefined };
}

/**
 * Streams one completion with the AI SDK's `streamText`, handing each piece of text to `onText`.
 * A failure midway (an error part, a cut connection, an abort) is thrown, never swallowed: the
 * caller classifies it like any failed call, and the pieces already handed out are void.
 */
export async function streamCompletion(
  settings: StreamSettings,
  onText: (text: string) => void,
): Promise<StreamedCompletion> {
  let failure: { error: unknown } | undefined;
  const result = streamText({
    ...settings,
    // Errors arrive as parts of the stream and are thrown below; the SDK must not log them too.
    onError: ({ error }) => {
      failure ??= { error };
    },
  });
  let text = '';
  for await (const part of result.fullStream) {
    switch (part.type) {
      case 'text-delta':
        text += part.text;
        onText(part.text);
        break;
      case 'error':
        throw part.error;
      case 'abort':
        throw settings.abortSignal?.reason ?? new Error('the stream was aborted');
      default:
        break;
    }
  }
  if (failure) throw failure.error;
  const [finishReason, usage, response] = await Promise.all([
    result.finishReason,
    result.totalUsage,
    result.response,
  ]);
  return {
    text,
    finishReason,
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
    response: { headers: response.headers },
  };
}

/**
 * A stream that broke after the provider answered 200 (the connection cut, a malformed event) is
 * the provider failing midway, not a refusal of the request: retryable, and it counts against its
 * breaker. The SDK reports it as an API call error with the 200 status.
 */
export function streamFailure(error: unknown, context: ClassifyContext): Error | undefined {
  if (!APICallError.isInstance(error)) return undefined;
  const status = error.statusCode;
  if (status === undefined || status < 200 || status >= 300) return undefined;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return new ProviderError({
    verdict: 'retryable',
    code: 'network',
    provider: context.provider,
    model: context.model,
    message: knownSecrets.scrub(`the stream broke midway (${error.message}${cause})`, context.redact),
  });
}

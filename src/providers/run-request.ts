import type {
  CallOptions,
  CompletionRequest,
  CompletionResult,
  EmbeddingRequest,
  EmbeddingResult,
  LanguageModelAdapter,
} from './completion.js';
import { ProviderError } from './provider-error.js';

/** A request of either kind: a completion, or values to embed. */
export type ProviderRequest = CompletionRequest | EmbeddingRequest;
export type ProviderResult = CompletionResult | EmbeddingResult;

/** Sends a request to the adapter method of its kind. */
export function runRequest(
  adapter: LanguageModelAdapter,
  request: ProviderRequest,
  call: CallOptions,
): Promise<ProviderResult> {
  if (!('kind' in request)) return adapter.complete(request, call);
  if (!adapter.embed) {
    // Routes and chains are checked for this when read; a provider type that cannot embed is refused here.
    return Promise.reject(
      new ProviderError({
        verdict: 'rejected',
        code: 'bad-request',
        provider: adapter.provider,
        model: adapter.modelId,
        message: `${adapter.provider} cannot embed: its provider type has no embedding models`,
      }),
    );
  }
  return adapter.embed(request, call);
}

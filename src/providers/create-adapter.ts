import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModel, LanguageModel } from 'ai';
import { modelIdProblemFor } from '../config/model-id.js';
import { ownEntry } from '../config/own-key.js';
import type { ResolvedProvider } from '../config/resolve-providers.js';
import type { Secret } from '../logging/secret.js';
import { createAiSdkAdapter } from './ai-sdk-adapter.js';
import type { LanguageModelAdapter } from './completion.js';

export interface AdapterSource {
  /** Every provider resolved to a real wire type (`resolveProviders`): simulated ones included. */
  providers: Readonly<Record<string, ResolvedProvider>>;
  secrets: ReadonlyMap<string, Secret>;
  fetch?: typeof globalThis.fetch;
  /** False sends every text call through the AI SDK's `generateText` (see `AiSdkAdapterOptions.direct`). */
  direct?: boolean;
}

/** Builds (and caches) one adapter per provider/model pair from the validated config. */
export class AdapterFactory {
  readonly #cache = new Map<string, LanguageModelAdapter>();

  constructor(private readonly source: AdapterSource) {}

  get(provider: string, modelId: string): LanguageModelAdapter {
    const cacheKey = `${provider}\u0000${modelId}`;
    let adapter = this.#cache.get(cacheKey);
    if (!adapter) {
      const secret = this.source.secrets.get(provider);
      const embeddingModel = this.#embeddingModel(provider, modelId, secret?.reveal());
      adapter = createAiSdkAdapter({
        provider,
        modelId,
        model: this.#model(provider, modelId, secret?.reveal()),
        ...(embeddingModel ? { embeddingModel } : {}),
        redact: secret ? [secret.reveal()] : [],
        ...(this.source.direct === undefined ? {} : { direct: this.source.direct }),
      });
      this.#cache.set(cacheKey, adapter);
    }
    return adapter;
  }

  #model(provider: string, modelId: string, secretKey: string | undefined): LanguageModel {
    const { config, settings, fetch, apiKey } = this.#settings(provider, modelId, secretKey);
    switch (config.type) {
      case 'openai':
        return createOpenAI(settings).chat(modelId);
      case 'anthropic':
        return createAnthropic(settings)(modelId);
      case 'google':
        return createGoogleGenerativeAI(settings)(modelId);
      case 'openai-compatible':
        return createOpenAICompatible({
          name: provider,
          baseURL: config.baseURL,
          ...(apiKey ? { apiKey } : {}),
          includeUsage: true,
          // Structured output as OpenAI's wire has it (`response_format: json_schema`), not bare JSON mode.
          supportsStructuredOutputs: true,
          ...fetch,
        }).chatModel(modelId);
      default:
        throw new Error(`unknown provider type ${JSON.stringify(config satisfies never)}`);
    }
  }

  /** The same model id as an embedding model, built on first use; none for Anthropic. */
  #embeddingModel(
    provider: string,
    modelId: string,
    secretKey: string | undefined,
  ): (() => EmbeddingModel) | undefined {
    const type = ownEntry(this.source.providers, provider)?.type;
    if (type === undefined || type === 'anthropic') return undefined;
    let model: EmbeddingModel | undefined;
    return () => {
      model ??= this.#buildEmbeddingModel(provider, modelId, secretKey);
      return model;
    };
  }

  #buildEmbeddingModel(provider: string, modelId: string, secretKey: string | undefined): EmbeddingModel {
    const { config, settings, fetch, apiKey } = this.#settings(provider, modelId, secretKey);
    switch (config.type) {
      case 'openai':
        return createOpenAI(settings).embedding(modelId);
      case 'google':
        return createGoogleGenerativeAI(settings).embedding(modelId);
      case 'openai-compatible':
        return createOpenAICompatible({
          name: provider,
          baseURL: config.baseURL,
          ...(apiKey ? { apiKey } : {}),
          ...fetch,
        }).embeddingModel(modelId);
      case 'anthropic':
        throw new Error(`provider "${provider}" speaks Anthropic, which has no embedding models`);
      default:
        throw new Error(`unknown provider type ${JSON.stringify(config satisfies never)}`);
    }
  }

  #settings(provider: string, modelId: string, secretKey: string | undefined) {
    const config = ownEntry(this.source.providers, provider);
    if (!config) throw new Error(`unknown provider "${provider}"`);
    // Jobs are checked when enqueued and when run; this is the last line before a URL is built.
    const modelProblem = modelIdProblemFor(config, modelId);
    if (modelProblem) throw new Error(`model ${JSON.stringify(modelId)} refused: ${modelProblem}`);
    const fetch = this.source.fetch ? { fetch: this.source.fetch } : {};
    const apiKey = config.simulated ? config.apiKey : secretKey;
    // Only what is set: an absent key or baseURL leaves the SDK's own default (its env variable, its URL).
    const settings = {
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(config.baseURL === undefined ? {} : { baseURL: config.baseURL }),
      ...fetch,
    };
    return { config, settings, fetch, apiKey };
  }
}

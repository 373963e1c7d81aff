import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { ProviderConfig, WireFormat } from '../config/schema.js';
import { createAiSdkAdapter } from './ai-sdk-adapter.js';
import type { LanguageModelAdapter } from './completion.js';
import type { Secret } from './secret.js';

export interface AdapterSource {
  providers: Readonly<Record<string, ProviderConfig>>;
  secrets: ReadonlyMap<string, Secret>;
  /** Root URL of the simulator that serves `simulated` providers without a baseURL of their own. */
  simulatorUrl?: string;
  fetch?: typeof globalThis.fetch;
}

/** Key sent to the simulator; it accepts any key unless a test sets one. */
const simulatedKey = 'simulated-key';

/** Builds (and caches) one adapter per provider/model pair from the validated config. */
export class AdapterFactory {
  readonly #cache = new Map<string, LanguageModelAdapter>();

  constructor(private readonly source: AdapterSource) {}

  get(provider: string, modelId: string): LanguageModelAdapter {
    const cacheKey = `${provider}\u0000${modelId}`;
    let adapter = this.#cache.get(cacheKey);
    if (!adapter) {
      const secret = this.source.secrets.get(provider);
      adapter = createAiSdkAdapter({
        provider,
        modelId,
        model: this.#model(provider, modelId, secret?.reveal()),
        redact: secret ? [secret.reveal()] : [],
      });
      this.#cache.set(cacheKey, adapter);
    }
    return adapter;
  }

  #model(provider: string, modelId: string, apiKey: string | undefined): LanguageModel {
    const config = this.source.providers[provider];
    if (!config) throw new Error(`unknown provider "${provider}"`);
    const fetch = this.source.fetch ? { fetch: this.source.fetch } : {};
    const baseURL = config.baseURL ? { baseURL: config.baseURL } : {};
    switch (config.type) {
      case 'openai':
        return createOpenAI({ apiKey, ...baseURL, ...fetch }).chat(modelId);
      case 'anthropic':
        return createAnthropic({ apiKey, ...baseURL, ...fetch })(modelId);
      case 'google':
        return createGoogleGenerativeAI({ apiKey, ...baseURL, ...fetch })(modelId);
      case 'openai-compatible':
        return createOpenAICompatible({
          name: provider,
          baseURL: config.baseURL ?? '',
          ...(apiKey ? { apiKey } : {}),
          includeUsage: true,
          ...fetch,
        }).chatModel(modelId);
      case 'simulated':
        return simulatedModel(
          provider,
          modelId,
          config.wire ?? 'openai',
          this.#simulatorRoot(provider, config),
          fetch,
        );
      default:
        throw new Error(`unknown provider type ${JSON.stringify(config.type satisfies never)}`);
    }
  }

  #simulatorRoot(provider: string, config: ProviderConfig): string {
    const root = config.baseURL ?? this.source.simulatorUrl;
    if (!root)
      throw new Error(`simulated provider "${provider}" has no simulator: set its baseURL or start one`);
    return root.replace(/\/+$/, '');
  }
}

function simulatedModel(
  provider: string,
  modelId: string,
  wire: WireFormat,
  root: string,
  fetch: { fetch?: typeof globalThis.fetch },
): LanguageModel {
  const base = `${root}/${encodeURIComponent(provider)}`;
  switch (wire) {
    case 'openai':
      return createOpenAI({ apiKey: simulatedKey, baseURL: `${base}/v1`, ...fetch }).chat(modelId);
    case 'anthropic':
      return createAnthropic({ apiKey: simulatedKey, baseURL: `${base}/v1`, ...fetch })(modelId);
    case 'google':
      return createGoogleGenerativeAI({ apiKey: simulatedKey, baseURL: `${base}/v1beta`, ...fetch })(modelId);
    default:
      throw new Error(`unknown wire format ${JSON.stringify(wire satisfies never)}`);
  }
}

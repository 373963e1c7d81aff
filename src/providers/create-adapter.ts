import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { ownEntry } from '../config/own-key.js';
import type { ProviderConfig, WireFormat } from '../config/schema.js';
import { modelIdProblemFor } from '../queue/model-id.js';
import { simulatedBaseURL } from '../simulator/routing.js';
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
    const config = ownEntry(this.source.providers, provider);
    if (!config) throw new Error(`unknown provider "${provider}"`);
    // Jobs are checked when enqueued and when run; this is the last line before a URL is built.
    const modelProblem = modelIdProblemFor(config, modelId);
    if (modelProblem) throw new Error(`model ${JSON.stringify(modelId)} refused: ${modelProblem}`);
    const fetch = this.source.fetch ? { fetch: this.source.fetch } : {};
    switch (config.type) {
      case 'openai':
      case 'anthropic':
      case 'google':
        return wireModel(config.type, modelId, {
          apiKey,
          ...(config.baseURL ? { baseURL: config.baseURL } : {}),
          ...fetch,
        });
      case 'openai-compatible':
        return createOpenAICompatible({
          name: provider,
          baseURL: config.baseURL ?? '',
          ...(apiKey ? { apiKey } : {}),
          includeUsage: true,
          ...fetch,
        }).chatModel(modelId);
      case 'simulated': {
        // The same adapters as the real providers, pointed at the simulator.
        const wire = config.wire ?? 'openai';
        const baseURL = simulatedBaseURL(this.#simulatorRoot(provider, config), provider, wire);
        return wireModel(wire, modelId, { apiKey: simulatedKey, baseURL, ...fetch });
      }
      default:
        throw new Error(`unknown provider type ${JSON.stringify(config.type satisfies never)}`);
    }
  }

  #simulatorRoot(provider: string, config: ProviderConfig): string {
    const root = config.baseURL ?? this.source.simulatorUrl;
    if (!root)
      throw new Error(`simulated provider "${provider}" has no simulator: set its baseURL or start one`);
    return root;
  }
}

interface WireSettings {
  apiKey: string | undefined;
  baseURL?: string;
  fetch?: typeof globalThis.fetch;
}

function wireModel(wire: WireFormat, modelId: string, settings: WireSettings): LanguageModel {
  switch (wire) {
    case 'openai':
      return createOpenAI(settings).chat(modelId);
    case 'anthropic':
      return createAnthropic(settings)(modelId);
    case 'google':
      return createGoogleGenerativeAI(settings)(modelId);
    default:
      throw new Error(`unknown wire format ${JSON.stringify(wire satisfies never)}`);
  }
}

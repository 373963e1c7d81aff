import { type EmbeddingModel, embedMany, generateText, type LanguageModel, type ModelMessage } from 'ai';
import { withCallDeadline } from './call-deadline.js';
import type {
  CallOptions,
  CompletionRequest,
  CompletionResult,
  EmbeddingRequest,
  EmbeddingResult,
  FinishReason,
  LanguageModelAdapter,
} from './completion.js';
import { directGenerate, directPrompt, modelV3 } from './direct-generate.js';
import { imageUrlsPassedThrough } from './image-urls.js';
import { modelMessages } from './model-messages.js';
import { pickRateLimitHeaders } from './pick-rate-limit-headers.js';
import { primePromptSchema } from './prime-prompt-schema.js';
import { streamCompletion, streamFailure } from './stream-completion.js';
import {
  finishProblem,
  structuredFailure,
  structuredOutput,
  structuredProviderOptions,
} from './structured-output.js';

// Breakwater reports through its own logs; the SDK's console warnings (e.g. unknown model ids) are noise.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export interface AiSdkAdapterOptions {
  provider: string;
  modelId: string;
  model: LanguageModel;
  /** The same model id as an embedding model, built on first use (embedding jobs only). */
  embeddingModel?: () => EmbeddingModel;
  /** Secrets to scrub from error messages. */
  redact: readonly string[];
  now?: () => number;
  /**
   * Plain text calls go straight to the model's `doGenerate` (a model object only), the rest through
   * `generateText`; false sends every call through `generateText`. @defaultValue true
   */
  direct?: boolean;
}

/**
 * One adapter for every AI SDK provider: the SDK speaks the wire format, this maps our narrow
 * request onto `generateText` or `embedMany` (SDK retries off: the queue and the breakers own
 * retrying), enforces the timeout by aborting the request, and turns every failure into a
 * ProviderError. A plain text call skips `generateText` and goes straight to the model's
 * `doGenerate` with the request `generateText` would make (`direct-generate.ts`).
 */
export function createAiSdkAdapter(options: AiSdkAdapterOptions): LanguageModelAdapter {
  primePromptSchema();
  const now = options.now ?? Date.now;
  const direct = options.direct === false ? undefined : modelV3(options.model);
  const context = () => ({
    provider: options.provider,
    model: options.modelId,
    now: now(),
    redact: options.redact,
  });

  // What every call sends: one shape for plain, structured and streamed calls.
  const callSettings = (request: CompletionRequest, abortSignal: AbortSignal) => ({
    model: options.model,
    ...promptOf(request),
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    maxRetries: 0,
    abortSignal,
    experimental_download: imageUrlsPassedThrough(context),
  });
  const adapter: LanguageModelAdapter = {
    provider: options.provider,
    modelId: options.modelId,
    complete(request: CompletionRequest, call: CallOptions): Promise<CompletionResult> {
      const started = now();
      return withCallDeadline(
        call,
        context,
        async (abortSignal) => {
          const prompt = direct && directPrompt(request);
          if (direct && prompt) {
            return completion(await directGenerate(direct, prompt, request, abortSignal), now() - started);
          }
          const settings = callSettings(request, abortSignal);
          if (request.output === undefined) {
            const result = await generateText(settings);
            return completion(result, now() - started);
          }
          const result = await generateText({
            ...settings,
            output: structuredOutput(request.output),
            providerOptions: structuredProviderOptions(request.output),
          });
          const finishReason = mapFinishReason(result.finishReason);
          const problem = finishProblem(finishReason, context());
          if (problem) throw problem;
          return { ...completion(result, now() - started), object: result.output };
        },
        structuredFailure,
      );
    },
  };
  adapter.stream = (request, call, onText) => {
    const started = now();
    return withCallDeadline(
      call,
      context,
      async (abortSignal) => {
        const streamed = await streamCompletion(callSettings(request, abortSignal), onText);
        return completion(streamed, now() - started);
      },
      streamFailure,
    );
  };
  const embeddingModel = options.embeddingModel;
  if (embeddingModel) {
    adapter.embed = (request: EmbeddingRequest, call: CallOptions): Promise<EmbeddingResult> => {
      const started = now();
      return withCallDeadline(call, context, async (abortSignal) => {
        const result = await embedMany({
          model: embeddingModel(),
          values: request.values,
          ...(request.headers === undefined ? {} : { headers: request.headers }),
          maxRetries: 0,
          abortSignal,
        });
        const rateLimitHeaders = pickRateLimitHeaders(result.responses?.at(-1)?.headers);
        return {
          kind: 'embed',
          embeddings: result.embeddings,
          // Gemini's embedding API reports no token count (the SDK says NaN): unknown, not zero.
          usage: {
            inputTokens: Number.isFinite(result.usage.tokens) ? result.usage.tokens : null,
            outputTokens: 0,
          },
          latencyMs: now() - started,
          ...(rateLimitHeaders ? { rateLimitHeaders } : {}),
        };
      });
    };
  }
  return adapter;
}

interface SdkCompletion {
  text: string;
  finishReason: string;
  rawFinishReason?: string | undefined;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
  response: { headers?: Record<string, string> | undefined };
}

function completion(result: SdkCompletion, latencyMs: number): CompletionResult {
  const rateLimitHeaders = pickRateLimitHeaders(result.response.headers);
  return {
    text: result.text,
    finishReason: mapFinishReason(result.finishReason),
    ...(result.rawFinishReason === undefined ? {} : { rawFinishReason: result.rawFinishReason }),
    usage: {
      inputTokens: result.usage.inputTokens ?? null,
      outputTokens: result.usage.outputTokens ?? null,
    },
    latencyMs,
    ...(rateLimitHeaders ? { rateLimitHeaders } : {}),
  };
}

function promptOf(
  request: CompletionRequest,
): { system?: string } & ({ prompt: string } | { messages: ModelMessage[] }) {
  const system = request.system === undefined ? {} : { system: request.system };
  if (request.messages !== undefined) return { ...system, messages: modelMessages(request.messages) };
  return { ...system, prompt: request.prompt ?? '' };
}

function mapFinishReason(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content-filter':
    case 'tool-calls':
    case 'error':
      return reason;
    default:
      return 'other';
  }
}

import { generateText, type LanguageModel, type ModelMessage } from 'ai';
import { CallAbortedError } from './call-aborted-error.js';
import { classifyError, timeoutError } from './classify-error.js';
import type {
  CallOptions,
  CompletionRequest,
  CompletionResult,
  FinishReason,
  LanguageModelAdapter,
} from './completion.js';
import { pickRateLimitHeaders } from './pick-rate-limit-headers.js';

// Breakwater reports through its own logs; the SDK's console warnings (e.g. unknown model ids) are noise.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export interface AiSdkAdapterOptions {
  provider: string;
  modelId: string;
  model: LanguageModel;
  /** Secrets to scrub from error messages. */
  redact: readonly string[];
  now?: () => number;
}

/**
 * One adapter for every AI SDK provider: the SDK speaks the wire format, this maps our narrow
 * request onto `generateText` (SDK retries off: the queue and the breakers own retrying), enforces
 * the timeout by aborting the request, and turns every failure into a ProviderError.
 */
export function createAiSdkAdapter(options: AiSdkAdapterOptions): LanguageModelAdapter {
  const now = options.now ?? Date.now;
  const context = () => ({
    provider: options.provider,
    model: options.modelId,
    now: now(),
    redact: options.redact,
  });

  return {
    provider: options.provider,
    modelId: options.modelId,
    async complete(request: CompletionRequest, call: CallOptions): Promise<CompletionResult> {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, call.timeoutMs);
      const onCallerAbort = () => controller.abort(call.signal?.reason);
      call.signal?.addEventListener('abort', onCallerAbort, { once: true });
      if (call.signal?.aborted) onCallerAbort();
      const started = now();
      try {
        const result = await generateText({
          model: options.model,
          ...promptOf(request),
          ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.headers === undefined ? {} : { headers: request.headers }),
          maxRetries: 0,
          abortSignal: controller.signal,
        });
        const rateLimitHeaders = pickRateLimitHeaders(result.response.headers);
        return {
          text: result.text,
          finishReason: mapFinishReason(result.finishReason),
          ...(result.rawFinishReason === undefined ? {} : { rawFinishReason: result.rawFinishReason }),
          usage: {
            inputTokens: result.usage.inputTokens ?? null,
            outputTokens: result.usage.outputTokens ?? null,
          },
          latencyMs: now() - started,
          ...(rateLimitHeaders ? { rateLimitHeaders } : {}),
        };
      } catch (error) {
        if (timedOut) throw timeoutError(context(), call.timeoutMs);
        if (call.signal?.aborted) throw new CallAbortedError(call.signal.reason);
        throw classifyError(error, context());
      } finally {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onCallerAbort);
      }
    },
  };
}

function promptOf(
  request: CompletionRequest,
): { system?: string } & ({ prompt: string } | { messages: ModelMessage[] }) {
  const system = request.system === undefined ? {} : { system: request.system };
  if (request.messages !== undefined) {
    return { ...system, messages: request.messages.map((message) => ({ ...message })) as ModelMessage[] };
  }
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

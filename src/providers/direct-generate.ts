import { createRequire } from 'node:module';
import type { LanguageModel } from 'ai';
import type { ChatMessage, CompletionRequest } from './completion.js';

/** A provider package's model object as the AI SDK 6 spec (LanguageModelV3) defines it. */
export type ModelV3 = Extract<Exclude<LanguageModel, string>, { specificationVersion: 'v3' }>;
type CallOptionsV3 = Parameters<ModelV3['doGenerate']>[0];
type PromptV3 = CallOptionsV3['prompt'];
type MessageV3 = PromptV3[number];
type UserPartV3 = Extract<MessageV3, { role: 'user' }>['content'][number];

/** What a plain call gives back, in the shape `generateText`'s result has it. */
export interface DirectCompletion {
  text: string;
  finishReason: string;
  rawFinishReason: string | undefined;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
  response: { headers?: Record<string, string> | undefined };
}

/** The token `generateText` adds to every call's user-agent: the AI SDK's own version. */
const sdkAgent = `ai/${(createRequire(import.meta.url)('ai/package.json') as { version: string }).version}`;

/** The model as a V3 model object; a model id string (the SDK's global provider) or a V2 model is not. */
export function modelV3(model: LanguageModel): ModelV3 | undefined {
  return typeof model === 'object' && model.specificationVersion === 'v3' ? model : undefined;
}

/**
 * A plain text request — no structured output, text only, settings the SDK would accept — as the
 * prompt `generateText` would hand the model; undefined for anything else, which goes through
 * `generateText`. A message list with a system message goes there too: the SDK warns about it.
 */
export function directPrompt(request: CompletionRequest): PromptV3 | undefined {
  if (request.output !== undefined) return undefined;
  if (request.maxTokens !== undefined && !(Number.isInteger(request.maxTokens) && request.maxTokens >= 1)) {
    return undefined;
  }
  const prompt: PromptV3 = request.system === undefined ? [] : [{ role: 'system', content: request.system }];
  if (request.messages === undefined) {
    prompt.push({ role: 'user', content: [{ type: 'text', text: request.prompt ?? '' }] });
    return prompt;
  }
  if (request.messages.length === 0) return undefined;
  for (const message of request.messages) {
    const converted = directMessage(message);
    if (!converted) return undefined;
    prompt.push(converted);
  }
  return prompt;
}

function directMessage(message: ChatMessage): MessageV3 | undefined {
  const { role, content } = message;
  if (role === 'system') return undefined;
  if (typeof content === 'string') return { role, content: [{ type: 'text', text: content }] };
  const texts: string[] = [];
  for (const part of content) {
    if (part.type !== 'text') return undefined;
    texts.push(part.text);
  }
  if (role === 'assistant') {
    // One text part of the parts' lines, as the SDK's messages carry it; an empty one is dropped.
    const text = texts.join('\n');
    return { role, content: text === '' ? [] : [{ type: 'text', text }] };
  }
  const parts: UserPartV3[] = [];
  for (const text of texts) if (text !== '') parts.push({ type: 'text', text });
  return { role, content: parts };
}

/** The call's headers as `generateText` sends them: names in lower case, the SDK's user-agent token added. */
function sdkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const all = new Headers(headers);
  all.set('user-agent', [all.get('user-agent'), sdkAgent].filter(Boolean).join(' '));
  return Object.fromEntries(all.entries());
}

/**
 * One plain call straight to the model's `doGenerate`: what `generateText` sends for it (prompt,
 * settings, headers), without its per-call prompt validation, telemetry, retry and step machinery.
 * Errors are the model's own (an `APICallError` for an HTTP failure), as `generateText` rethrows them
 * with retries off.
 */
export async function directGenerate(
  model: ModelV3,
  prompt: PromptV3,
  request: CompletionRequest,
  abortSignal: AbortSignal,
): Promise<DirectCompletion> {
  const result = await model.doGenerate({
    prompt,
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    headers: sdkHeaders(request.headers),
    abortSignal,
  });
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return {
    text,
    finishReason: result.finishReason.unified,
    rawFinishReason: result.finishReason.raw,
    usage: { inputTokens: result.usage.inputTokens.total, outputTokens: result.usage.outputTokens.total },
    response: { headers: result.response?.headers },
  };
}

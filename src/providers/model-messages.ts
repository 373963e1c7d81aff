import type { ModelMessage } from 'ai';
import type { ChatMessage } from './completion.js';

/**
 * A job's messages as the AI SDK takes them: a string stays a string; parts become the SDK's text
 * and image parts, which each provider package puts in its own wire format (OpenAI `image_url`,
 * Anthropic `image` blocks, Gemini `inlineData` / `fileData`).
 */
export function modelMessages(messages: readonly ChatMessage[]): ModelMessage[] {
  return messages.map((message): ModelMessage => {
    const { role, content } = message;
    if (role === 'system') return { role, content: typeof content === 'string' ? content : textOf(content) };
    if (typeof content === 'string') return { role, content };
    if (role === 'assistant') return { role, content: [{ type: 'text', text: textOf(content) }] };
    return {
      role,
      content: content.map((part) => {
        if (part.type === 'text') return { type: 'text', text: part.text };
        if (part.url !== undefined) return { type: 'image', image: new URL(part.url) };
        return {
          type: 'image',
          image: part.data ?? '',
          ...(part.mediaType ? { mediaType: part.mediaType } : {}),
        };
      }),
    };
  });
}

function textOf(content: Exclude<ChatMessage['content'], string>): string {
  return content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

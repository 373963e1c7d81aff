import type { JobData } from '../queue/job-input.js';

/** The texts of a job that may name a child's result: prompt, system, and every message's text. */
export function stepTexts(
  data: Pick<JobData, 'prompt' | 'system' | 'messages'>,
): { path: string; text: string }[] {
  const texts: { path: string; text: string }[] = [];
  if (data.prompt !== undefined) texts.push({ path: 'prompt', text: data.prompt });
  if (data.system !== undefined) texts.push({ path: 'system', text: data.system });
  for (const [index, message] of (data.messages ?? []).entries()) {
    if (typeof message.content === 'string') {
      texts.push({ path: `messages.${index}.content`, text: message.content });
      continue;
    }
    for (const [part, content] of message.content.entries()) {
      if (content.type === 'text')
        texts.push({ path: `messages.${index}.content.${part}.text`, text: content.text });
    }
  }
  return texts;
}

/** The job with each of those texts rewritten; every other field as it was. */
export function mapStepTexts(data: JobData, rewrite: (text: string) => string): JobData {
  return {
    ...data,
    ...(data.prompt === undefined ? {} : { prompt: rewrite(data.prompt) }),
    ...(data.system === undefined ? {} : { system: rewrite(data.system) }),
    ...(data.messages === undefined
      ? {}
      : {
          messages: data.messages.map((message) => ({
            ...message,
            content:
              typeof message.content === 'string'
                ? rewrite(message.content)
                : message.content.map((part) =>
                    part.type === 'text' ? { ...part, text: rewrite(part.text) } : part,
                  ),
          })),
        }),
  };
}

import type { JobData } from '../queue/job-input.js';
import { isFlowJob } from './flow-ids.js';
import { hasReferences } from './step-references.js';

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

/**
 * Whether a job is a flow step whose texts name its children's results: what it asks is known only
 * when it runs, so nothing keyed on its stored texts (the result cache) may stand for it.
 */
export function readsChildResults(jobId: string | undefined, data: JobData): boolean {
  return isFlowJob(jobId) && stepTexts(data).some(({ text }) => hasReferences(text));
}

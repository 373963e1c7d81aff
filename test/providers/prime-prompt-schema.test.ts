import { modelMessageSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { primePromptSchema } from '../../src/providers/prime-prompt-schema.js';

describe('priming the AI SDK prompt schema', () => {
  it('is idempotent and leaves message validation exactly as it was', () => {
    primePromptSchema();
    primePromptSchema();
    const messages = z.array(modelMessageSchema);
    expect(messages.safeParse([{ role: 'user', content: 'Summarise ticket 1' }]).success).toBe(true);
    expect(
      messages.safeParse([
        { role: 'user', content: [{ type: 'text', text: 'x' }], providerOptions: { openai: { user: 'a' } } },
      ]).success,
    ).toBe(true);
    expect(messages.safeParse([{ role: 'user' }]).success).toBe(false);
    expect(messages.safeParse([{ role: 'nobody', content: 'x' }]).success).toBe(false);
    expect(messages.safeParse([]).success).toBe(true);
  });
});

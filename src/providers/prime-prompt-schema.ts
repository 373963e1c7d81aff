import { modelMessageSchema } from 'ai';

let primed = false;

/**
 * Makes the AI SDK's check of every call's messages cheap. `generateText` validates them against a
 * fresh `z.array(modelMessageSchema)` per call, and zod (4.6) first asks whether that schema is
 * recursive: it caches the answer per schema only once it is certain, and it stays unsure while the
 * message schema's lazy parts (JSON values under `providerOptions`) have never been reached by a
 * parse. Until then the whole message schema is walked again on every call (tens of µs each). One
 * parse that reaches those parts settles it for the process. Idempotent; the parse validates only.
 */
export function primePromptSchema(): void {
  if (primed) return;
  primed = true;
  const options = { primer: { list: [1, { nested: null }], text: 'x' } };
  modelMessageSchema.safeParse({
    role: 'user',
    content: [{ type: 'text', text: 'x', providerOptions: options }],
    providerOptions: options,
  });
}

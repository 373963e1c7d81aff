import { describe, expect, it } from 'vitest';
import type { CompletionRequest, LanguageModelAdapter } from '../../src/providers/completion.js';
import { ProviderError, type ProviderVerdict } from '../../src/providers/provider-error.js';
import { type ResolvedEntry, walkChain } from '../../src/resilience/fallback-chain.js';
import { memoryCircuits } from '../support/memory-circuit.js';

type Script = Record<string, 'ok' | ProviderVerdict | { retryAfterMs: number }>;

/** Adapters that answer as the script says and record every call they receive. */
function recordingAdapters(script: Script) {
  const calls: { provider: string; model: string; request: CompletionRequest }[] = [];
  const adapter = (provider: string, model: string): LanguageModelAdapter => ({
    provider,
    modelId: model,
    async complete(request) {
      calls.push({ provider, model, request });
      const answer = script[provider] ?? 'ok';
      if (answer === 'ok') {
        return {
          text: `${provider} says hi`,
          finishReason: 'stop',
          usage: { inputTokens: 3, outputTokens: 2 },
          latencyMs: 1,
        };
      }
      const verdict = typeof answer === 'string' ? answer : 'retryable';
      throw new ProviderError({
        verdict,
        code: verdict === 'rejected' ? 'bad-request' : 'server-error',
        provider,
        model,
        message: `${provider} ${verdict}`,
        status: verdict === 'rejected' ? 400 : 503,
        ...(typeof answer === 'object' ? { retryAfterMs: answer.retryAfterMs } : {}),
      });
    },
  });
  return { calls, adapter };
}

const chain = (...providers: string[]): ResolvedEntry[] =>
  providers.map((provider) => ({ provider, model: `${provider}-model`, timeoutMs: 1_000 }));
const clock = () => {
  let t = Date.parse('2026-11-29T12:00:00Z');
  return () => (t += 5);
};
const request = { prompt: 'hello' };

describe('walkChain with recording adapters and in-memory circuits', () => {
  it('the first success wins; later entries are never called', async () => {
    const { calls, adapter } = recordingAdapters({ a: 'retryable' });
    const circuits = memoryCircuits('a', 'b', 'c');
    const outcome = await walkChain({
      chain: chain('a', 'b', 'c'),
      request,
      circuits,
      adapter,
      now: clock(),
    });
    expect(outcome).toMatchObject({ kind: 'completed', index: 1, entry: { provider: 'b' } });
    expect(calls.map((call) => call.provider)).toEqual(['a', 'b']);
    expect(outcome.attempts).toMatchObject([
      { provider: 'a', outcome: 'retryable', errorClass: 'server-error', status: 503, durationMs: 5 },
      { provider: 'b', outcome: 'ok', durationMs: 5 },
    ]);
  });

  it('an open entry is skipped without a call, naming the reason', async () => {
    const { calls, adapter } = recordingAdapters({});
    const circuits = memoryCircuits('a', 'b');
    circuits.get('a').set({
      kind: 'open',
      until: Date.parse('2026-11-29T12:01:00Z'),
      reason: 'breaker open: overloaded 503',
    });
    const outcome = await walkChain({ chain: chain('a', 'b'), request, circuits, adapter, now: clock() });
    expect(calls.map((call) => call.provider)).toEqual(['b']);
    expect(circuits.get('a').calls).toBe(0);
    expect(outcome.attempts[0]).toMatchObject({
      outcome: 'skipped-open',
      errorClass: 'breaker-open',
      durationMs: 0,
      error: 'breaker open: overloaded 503',
    });
  });

  it('every entry rejected: all-rejected, every entry called once', async () => {
    const { calls, adapter } = recordingAdapters({ a: 'rejected', b: 'rejected' });
    const outcome = await walkChain({
      chain: chain('a', 'b'),
      request,
      circuits: memoryCircuits('a', 'b'),
      adapter,
    });
    expect(outcome.kind).toBe('all-rejected');
    expect(calls).toHaveLength(2);
  });

  it('failures while a circuit stays closed: failed, with the shortest Retry-After when every failure sent one', async () => {
    const { adapter } = recordingAdapters({ a: { retryAfterMs: 9_000 }, b: { retryAfterMs: 4_000 } });
    const outcome = await walkChain({
      chain: chain('a', 'b'),
      request,
      circuits: memoryCircuits('a', 'b'),
      adapter,
    });
    expect(outcome).toMatchObject({ kind: 'failed', retryAfterMs: 4_000 });
    const { adapter: mixed } = recordingAdapters({ a: { retryAfterMs: 9_000 }, b: 'retryable' });
    const without = await walkChain({
      chain: chain('a', 'b'),
      request,
      circuits: memoryCircuits('a', 'b'),
      adapter: mixed,
    });
    expect(without.kind).toBe('failed');
    expect(without).not.toHaveProperty('retryAfterMs');
  });

  it('every circuit open after the walk: all-open at the earliest probe, one reason per provider', async () => {
    const { adapter } = recordingAdapters({});
    const circuits = memoryCircuits('a', 'b');
    const early = Date.parse('2026-11-29T12:00:30Z');
    circuits.get('a').set({ kind: 'open', until: Date.parse('2026-11-29T12:01:00Z'), reason: 'r1' });
    circuits.get('b').set({ kind: 'open', until: early, reason: 'r2' });
    const outcome = await walkChain({ chain: chain('a', 'b', 'a'), request, circuits, adapter });
    expect(outcome).toMatchObject({
      kind: 'all-open',
      until: early,
      reasons: ['a open until 2026-11-29T12:01:00.000Z (r1)', 'b open until 2026-11-29T12:00:30.000Z (r2)'],
    });
  });

  it('a provider opened by hand with no end reads "until closed by hand"', async () => {
    const circuits = memoryCircuits('a');
    circuits.get('a').set({ kind: 'open', until: 8.64e15, reason: 'opened by ops: maintenance' });
    const outcome = await walkChain({
      chain: chain('a'),
      request,
      circuits,
      adapter: recordingAdapters({}).adapter,
    });
    expect(outcome).toMatchObject({
      kind: 'all-open',
      reasons: ['a open until closed by hand (opened by ops: maintenance)'],
    });
  });

  it('an aborted signal stops the walk before any call', async () => {
    const { calls, adapter } = recordingAdapters({});
    const controller = new AbortController();
    controller.abort();
    const outcome = await walkChain({
      chain: chain('a'),
      request,
      circuits: memoryCircuits('a'),
      adapter,
      signal: controller.signal,
    });
    expect(outcome.kind).toBe('aborted');
    expect(calls).toHaveLength(0);
  });
});

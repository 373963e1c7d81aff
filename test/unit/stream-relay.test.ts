import { describe, expect, it } from 'vitest';
import type { JobDeltaEvent, JobRestartEvent } from '../../src/contract/index.js';
import { createLogger } from '../../src/logging/logger.js';
import type { CompletionResult, LanguageModelAdapter } from '../../src/providers/completion.js';
import { DeltaCoalescer } from '../../src/streaming/delta-coalescer.js';
import { StreamRelay } from '../../src/streaming/stream-relay.js';
import type { SetTimer } from '../../src/time/timer-at-least.js';

/** A clock and a scheduler the test moves by hand. */
function manualTime() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const schedule: SetTimer = (run, delayMs) => {
    const timer = { at: now + delayMs, run };
    timers.push(timer);
    return () => timers.splice(timers.indexOf(timer), 1);
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of [...timers].filter((candidate) => candidate.at <= now)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.run();
    }
  };
  return { now: () => now, schedule, advance };
}

describe('DeltaCoalescer', () => {
  it('emits the first piece at once, then at most once per interval, and everything on flush', () => {
    const time = manualTime();
    const emitted: [string, number][] = [];
    const coalescer = new DeltaCoalescer({
      emit: (text, offset) => emitted.push([text, offset]),
      now: time.now,
      schedule: time.schedule,
    });
    coalescer.push('a ');
    expect(emitted).toEqual([['a ', 0]]);
    time.advance(30);
    coalescer.push('b ');
    time.advance(30);
    coalescer.push('c ');
    expect(emitted).toHaveLength(1);
    time.advance(40);
    expect(emitted).toEqual([
      ['a ', 0],
      ['b c ', 2],
    ]);
    coalescer.push('d');
    coalescer.flush();
    expect(emitted.at(-1)).toEqual(['d', 6]);
    coalescer.push('e');
    coalescer.discard();
    time.advance(500);
    expect(emitted).toHaveLength(3);
    expect(coalescer.emitted).toBe(7);
  });
});

function fakeAdapter(provider: string, pieces: string[], failAfter?: number): LanguageModelAdapter {
  const result: CompletionResult = {
    text: pieces.join(''),
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1 },
    latencyMs: 1,
  };
  return {
    provider,
    modelId: 'm',
    complete: async () => result,
    stream: async (_request, _call, onText) => {
      for (const [index, piece] of pieces.entries()) {
        if (index === failAfter) throw new Error(`${provider} stream cut`);
        onText(piece);
      }
      return result;
    },
  };
}

describe('StreamRelay', () => {
  it('relays a call as deltas; a call that broke after sending text owes a restart naming the next', async () => {
    const events: (JobDeltaEvent | JobRestartEvent)[] = [];
    const time = manualTime();
    const relay = new StreamRelay({
      jobId: '7',
      sink: { publish: async (event) => void events.push(event) },
      log: () => createLogger({ level: 'silent' }),
      now: time.now,
      schedule: time.schedule,
    });
    const adapters = relay.adapters((provider) =>
      provider === 'first' ? fakeAdapter('first', ['x ', 'y ', 'z'], 2) : fakeAdapter('second', ['p ', 'q']),
    );
    const call = { timeoutMs: 1_000 };
    await expect(adapters('first', 'm').complete({ prompt: 'hi' }, call)).rejects.toThrow('first stream cut');
    const result = await adapters('second', 'm').complete({ prompt: 'hi' }, call);
    await relay.finish();
    expect(result.text).toBe('p q');
    expect(events.map((event) => [event.event, 'text' in event ? event.text : event.reason])).toEqual([
      ['delta', 'x '],
      ['restart', 'first stream cut'],
      ['delta', 'p '],
      ['delta', 'q'],
    ]);
    expect(events[1]).toMatchObject({
      provider: 'second',
      model: 'm',
      jobId: '7',
      voided: { provider: 'first', model: 'm' },
    });
    expect(events[3]).toMatchObject({ offset: 2, provider: 'second' });
  });

  it('a call that failed before any text owes nothing; a restart owed at the end names no next entry', async () => {
    const events: (JobDeltaEvent | JobRestartEvent)[] = [];
    const relay = new StreamRelay({
      jobId: '8',
      sink: { publish: async (event) => void events.push(event) },
      log: () => createLogger({ level: 'silent' }),
    });
    const adapters = relay.adapters((provider) =>
      provider === 'silent' ? fakeAdapter('silent', ['a'], 0) : fakeAdapter('broken', ['a ', 'b'], 1),
    );
    await expect(adapters('silent', 'm').complete({ prompt: 'hi' }, { timeoutMs: 1 })).rejects.toThrow();
    expect(events).toEqual([]);
    await expect(adapters('broken', 'm').complete({ prompt: 'hi' }, { timeoutMs: 1 })).rejects.toThrow();
    await relay.finish();
    expect(events.map((event) => event.event)).toEqual(['delta', 'restart']);
    expect(events[1]).not.toHaveProperty('provider');
  });

  it('calls at once (a race, a hedge): a broken one names the call still running; a loser aborted after the win names the winner', async () => {
    const events: (JobDeltaEvent | JobRestartEvent)[] = [];
    const relay = new StreamRelay({
      jobId: '9',
      sink: { publish: async (event) => void events.push(event) },
      log: () => createLogger({ level: 'silent' }),
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: LanguageModelAdapter = {
      ...fakeAdapter('slow', ['s']),
      stream: async (_request, _call, onText) => {
        onText('s ');
        await held;
        throw new Error('aborted: another entry answered first');
      },
    };
    const adapters = relay.adapters((provider) =>
      provider === 'slow'
        ? slow
        : provider === 'broken'
          ? fakeAdapter('broken', ['b ', 'c'], 1)
          : fakeAdapter('fast', ['f']),
    );
    const call = { timeoutMs: 1_000 };
    const running = adapters('slow', 'm').complete({ prompt: 'hi' }, call);
    await expect(adapters('broken', 'm').complete({ prompt: 'hi' }, call)).rejects.toThrow();
    expect(events.at(-1)).toMatchObject({
      event: 'restart',
      provider: 'slow',
      voided: { provider: 'broken' },
    });
    await adapters('fast', 'm').complete({ prompt: 'hi' }, call);
    release();
    await expect(running).rejects.toThrow('another entry answered first');
    await relay.finish({ provider: 'fast', model: 'm' });
    expect(events.at(-1)).toMatchObject({
      event: 'restart',
      reason: 'aborted: another entry answered first',
      voided: { provider: 'slow' },
      provider: 'fast',
    });
  });
});

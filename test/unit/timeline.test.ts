import { describe, expect, it } from 'vitest';
import {
  attemptEntry,
  deferralEntry,
  parseTimeline,
  sentence,
  timelineLogEntry,
} from '../../src/queue/timeline.js';

const at = '2026-11-29T12:00:00.000Z';
const failed = attemptEntry({
  provider: 'openai',
  model: 'gpt-4.1-mini',
  outcome: 'retryable',
  at,
  durationMs: 12,
  errorClass: 'overloaded',
  status: 503,
  error: 'the server said {"event":"attempt"} and more',
});
const served = attemptEntry({
  provider: 'claude',
  model: 'claude-haiku-4-5',
  outcome: 'ok',
  at,
  durationMs: 640,
  inputTokens: 812,
  outputTokens: 95,
  costUsd: 0.001287,
});
const deferral = deferralEntry(
  Date.parse(at),
  Date.parse(at) + 30_000,
  'openai open until … (breaker open: overloaded 503)',
);

describe('the job log: readable by people, parsed back by programs', () => {
  it('each line reads as a sentence first', () => {
    const lines = timelineLogEntry([failed, served, deferral]).split('\n');
    expect(lines[0]).toMatch(
      /^openai\/gpt-4\.1-mini retryable \(overloaded 503\) after 12 ms: the server said/,
    );
    expect(lines[1]).toMatch(
      /^claude\/claude-haiku-4-5 answered in 640 ms, 812 tokens in, 95 out, \$0\.001287 \{"event":"attempt"/,
    );
    expect(lines[2]).toMatch(
      /^deferred until 2026-11-29T12:00:30\.000Z: openai open until … \(breaker open: overloaded 503\) \{"event":"deferral"/,
    );
  });

  it('parses back to the same entries, even when an error message contains the JSON marker', () => {
    expect(parseTimeline([timelineLogEntry([failed, served]), timelineLogEntry([deferral])])).toEqual([
      failed,
      served,
      deferral,
    ]);
  });

  it('reads JSON-only lines written before, and leaves out anyone else’s lines', () => {
    expect(parseTimeline([JSON.stringify(served), 'a line someone logged', '{"not":"ours"}'])).toEqual([
      served,
    ]);
  });

  it('a skip says why', () => {
    expect(
      sentence(
        attemptEntry({
          provider: 'p',
          model: 'm',
          outcome: 'skipped-open',
          at,
          durationMs: 0,
          error: 'breaker open: 503',
        }),
      ),
    ).toBe('p/m skipped: breaker open: 503');
  });
});

describe('webhook and cache lines', () => {
  const entries = [
    {
      event: 'webhook',
      at,
      type: 'job.completed',
      attempt: 1,
      outcome: 'retry',
      status: 503,
      durationMs: 40,
      nextAttemptAt: '2026-11-29T12:00:01.000Z',
    },
    {
      event: 'webhook',
      at,
      type: 'job.completed',
      attempt: 2,
      outcome: 'delivered',
      status: 200,
      durationMs: 9,
    },
    { event: 'webhook', at, type: 'job.failed', attempt: 1, outcome: 'gone', status: 410, durationMs: 9 },
    {
      event: 'webhook',
      at,
      type: 'job.failed',
      attempt: 7,
      outcome: 'give-up',
      durationMs: 10_000,
      error: 'no answer: timed out after 10000 ms; gave up after 7 attempts',
    },
    { event: 'cache', at, outcome: 'hit', storedAt: at },
    { event: 'cache', at, outcome: 'stale', storedAt: at },
  ] as const;

  it('read as sentences and parse back to the same entries', () => {
    expect(entries.map((entry) => sentence(entry))).toEqual([
      'webhook job.completed attempt 1 failed (HTTP 503); retried at 2026-11-29T12:00:01.000Z',
      'webhook job.completed attempt 2 delivered (HTTP 200) in 9 ms',
      'webhook job.failed attempt 1 answered 410 Gone: no more attempts',
      'webhook job.failed attempt 7 failed; no more attempts: no answer: timed out after 10000 ms; gave up after 7 attempts',
      `served from the result cache (stored ${at}), no provider call`,
      `served a stale cached answer (stored ${at}): every provider was open`,
    ]);
    expect(parseTimeline([timelineLogEntry(entries)])).toEqual(entries);
  });
});

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { queueKeyOf } from '../../src/queue/bullmq-internals.js';
import { type RunningProcess, startEntry } from '../support/child-process.js';
import { freePort } from '../support/redis-server.js';
import { redisUrl } from '../support/worker-harness.js';

let running: RunningProcess | undefined;
afterEach(() => {
  running?.signalGroup('SIGKILL');
  running = undefined;
});

/** Runs `npm run demo` the way package.json does (tsx), to its exit. */
async function runDemo(
  env: Record<string, string>,
): Promise<{ code: number | string | null; output: string }> {
  running = startEntry('scripts/demo.ts', env);
  const code = await running.exited;
  await running.closed;
  return { code, output: running.output() };
}

/** A number from the summary table: `│ jobs failed        │     0 │ …`. */
function tableValue(output: string, metric: string): number {
  const match = output.match(new RegExp(`│ ${metric} +│ +([\\d.]+)s? │`));
  if (!match) throw new Error(`no "${metric}" row in the summary table:\n${output}`);
  return Number(match[1]);
}

describe('npm run demo', () => {
  it('tells the whole story at DEMO_SPEED=10: breaker opens, fallback, deferral, recovery, every job completed', async () => {
    const started = Date.now();
    const { code, output } = await runDemo({ DEMO_SPEED: '10', REDIS_URL: redisUrl });
    const seconds = (Date.now() - started) / 1000;

    expect(code, output).toBe(0);
    // DEMO_SPEED=10 scales every timing: a breaker opens for 0.3 s instead of 3 s.
    expect(output).toMatch(/its breaker opens: no calls to it for 0\.[0-3]s/);
    // A ceiling, not a measurement: about 8 s idle, 22 s beside four busy neighbours on 2 cores
    // (most of it starting tsx); at speed 1 every pause of the story is ten times as long.
    expect(seconds).toBeLessThan(60);
    // Human narration with elapsed time, not JSON logs.
    expect(output).toMatch(/^\[ *\d+\.\ds\] Breakwater demo — queue breakwater-demo-/m);
    expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);

    // Phase 2: the primary's breaker opens and jobs fall back.
    expect(output).toMatch(
      /primary is down \(overloaded 503\) — its breaker opens.*jobs fall back to secondary/,
    );
    const phase2 = output.match(
      /secondary served (\d+) of the last 40 \((\d+) results with fallbackUsed: true\)/,
    );
    expect(Number(phase2?.[1])).toBeGreaterThan(0);
    expect(Number(phase2?.[2])).toBeGreaterThan(0);
    // Phase 3: total outage, jobs deferred without spending an attempt.
    // Which transition completes the outage depends on where the 0.3 s reset periods stand when
    // secondary trips: if primary is half-open then, a later failed probe (of either provider) is the
    // moment every provider is open. Either way both facts are told during phase 3.
    const phase3 = output.slice(output.indexOf('▶ 3/5'), output.indexOf('▶ 4/5'));
    expect(phase3).toMatch(/secondary is down \(overloaded 529\) — its breaker opens/);
    expect(phase3).toMatch(/every provider on the route is open: jobs are deferred, not failed/);
    expect(output).toMatch(/job \S+ is deferred: .* attempts made: 0/);
    const deferred = output.match(
      /(\d+) jobs are deferred: state delayed, deferrals ≥ 1, (\d+) of them with 0 attempts/,
    );
    expect(Number(deferred?.[1])).toBeGreaterThan(0);
    expect(Number(deferred?.[2])).toBeGreaterThan(0);
    // Phases 4 and 5: probes succeed, breakers close, deferred jobs complete.
    expect(output).toMatch(/secondary probe succeeded — breaker closed/);
    expect(output).toMatch(/job \S+ woke up and completed on secondary after \d+ deferral/);
    expect(output).toMatch(/primary probe succeeded — breaker closed/);
    expect(output).toMatch(/breakers: primary closed, secondary closed/);

    // The summary table.
    const enqueued = tableValue(output, 'jobs enqueued');
    expect(enqueued).toBeGreaterThanOrEqual(100);
    expect(tableValue(output, 'jobs completed')).toBe(enqueued);
    expect(tableValue(output, 'jobs failed')).toBe(0);
    expect(tableValue(output, 'deferrals')).toBeGreaterThan(0);
    expect(tableValue(output, 'served by fallback')).toBeGreaterThan(0);
    expect(tableValue(output, 'calls to primary')).toBeGreaterThan(0);
    expect(tableValue(output, 'calls to secondary')).toBeGreaterThan(0);
    expect(output).toMatch(/│ calls to primary +│ +\d+ │ \d+ ok · \d+ × 503; served \d+ jobs/);
    expect(output).toMatch(/│ calls to secondary +│ +\d+ │ \d+ ok · \d+ × 529; served \d+ jobs/);
    expect(tableValue(output, 'wall time')).toBeGreaterThan(0);

    // The demo's queue is gone from Redis, leftovers included.
    const queueName = output.match(/queue (breakwater-demo-[\w-]+)/)?.[1];
    expect(queueName).toBeDefined();
    const client = new Redis(redisUrl);
    try {
      expect(await client.keys(`${queueKeyOf(queueName ?? '')}:*`)).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 120_000);

  it('exits 1 with one line when Redis is unreachable, 2 on a bad DEMO_SPEED', async () => {
    const port = await freePort();
    const unreachable = await runDemo({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).toMatch(
      /^demo: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/m,
    );

    const badSpeed = await runDemo({ DEMO_SPEED: 'fast' });
    expect(badSpeed.code).toBe(2);
    expect(badSpeed.output).toMatch(/DEMO_SPEED must be a positive number/);
  }, 120_000);
});

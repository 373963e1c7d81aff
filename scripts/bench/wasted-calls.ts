import { setTimeout as delay } from 'node:timers/promises';
import { FleetHarness } from '../../test/support/fleet-harness.js';
import type { BenchRow } from './stats.js';

const resetMs = 1_000;
/** A 60 s outage, scaled down: six reset periods. */
const outageMs = 6 * resetMs;

/** Calls that reach the dead primary during the outage, with `processes` worker processes. */
async function wasted(processes: number): Promise<number> {
  const harness = await new FleetHarness({
    resetTimeoutMs: resetMs,
    volumeThreshold: 5,
    concurrency: 4,
  }).start();
  try {
    await Promise.all(Array.from({ length: processes }, () => harness.startWorker()));
    harness.simulator.configure('primary', { mode: { kind: 'down', status: 503 } });
    const down = Date.now();
    let sent = 0;
    while (Date.now() - down < outageMs) {
      await harness.add(4, `job ${sent}`);
      sent += 4;
      await delay(100);
    }
    return harness.simulator.callsSince('primary', down);
  } finally {
    await harness.stop();
  }
}

/** 3. Wasted calls: a primary outage with 1 and with N worker processes sharing one breaker. */
export async function wastedCalls(processes: number): Promise<BenchRow> {
  const one = await wasted(1);
  const many = await wasted(processes);
  return {
    name: `wasted calls, ${outageMs / 1000} s primary outage (${resetMs} ms reset): ${processes} processes vs 1`,
    breakwater: many,
    baseline: one,
    unit: 'calls',
    ratio: many / one,
    target: 'the same (≤ 1.5×)',
    met: many <= 1.5 * one,
  };
}

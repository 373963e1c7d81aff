import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionJobResult } from '../../src/contract/index.js';
import { ApiHarness } from '../support/api-harness.js';
import { startProcess } from '../support/child-process.js';
import { tempDir } from '../support/temp-dir.js';
import { withBatches } from './batch-support.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

async function breakwater(args: string[], env: Record<string, string>) {
  const running = startProcess(process.execPath, ['scripts/breakwater.js', ...args], env);
  const code = await running.exited;
  return { code, output: running.output() };
}

describe('breakwater enqueue --batch and breakwater batches', () => {
  it("--batch sends each line's first route entry through the batch API; batches lists the batch", async () => {
    harness = await new ApiHarness({ worker: true, config: withBatches({ maxJobs: 2 }) }).start();
    harness.simulator.configureBatches('primary', { turnaroundMs: 100 });
    const file = join(tempDir('batch-cli'), 'jobs.jsonl');
    writeFileSync(file, `${JSON.stringify({ prompt: 'first' })}\n${JSON.stringify({ prompt: 'second' })}\n`);
    const env = { BREAKWATER_URL: harness.api.url };

    const enqueued = await breakwater(['enqueue', '--batch', '--wait', file], env);
    expect(enqueued.code).toBe(0);
    const ended = enqueued.output
      .split('\n')
      .filter((line) => line.includes('"state"'))
      .map((line) => JSON.parse(line) as { state: string; id: string });
    expect(ended.map((line) => line.state)).toEqual(['completed', 'completed']);
    const results = await Promise.all(
      ended.map(async (line) => (await harness.job(line.id)).returnvalue as CompletionJobResult),
    );
    expect(results.every((result) => result.batch?.id.startsWith('bat_'))).toBe(true);

    const listed = await breakwater(['batches'], env);
    expect(listed.code).toBe(0);
    const rows = listed.output.trim().split('\n');
    expect(rows[0]).toMatch(/^BATCH\s+MODEL\s+STATUS\s+TOTAL\s+OK/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(1, 5))).toEqual([
      ['primary/gpt-4.1-mini', 'ended', '2', '2'],
    ]);
  });
});

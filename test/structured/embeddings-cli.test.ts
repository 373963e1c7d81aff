import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';
import { startProcess } from '../support/child-process.js';
import { tempDir } from '../support/temp-dir.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

const jobs = 1_000;
const dimensions = 8;

describe('breakwater enqueue of embedding jobs', () => {
  it('1,000 embedding jobs through the CLI with --wait: every one completes with its vector on its JSONL line', async () => {
    harness = await new ApiHarness({
      worker: true,
      config: (base) => ({
        ...base,
        routes: {
          ...(base.routes as object),
          embed: [
            { provider: 'primary', model: 'text-embedding-3-small' },
            { provider: 'tertiary', model: 'gemini-embedding-001' },
          ],
        },
        queue: { ...(base.queue as object), concurrency: 50 },
      }),
    }).start();
    harness.simulator.configure('primary', { embeddingDimensions: dimensions });
    const file = join(tempDir('embed'), 'corpus.jsonl');
    const lines = Array.from({ length: jobs }, (_, index) =>
      JSON.stringify({ kind: 'embed', route: 'embed', input: [`document ${index}`, `title ${index}`] }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);

    const running = startProcess(process.execPath, ['scripts/breakwater.js', 'enqueue', file, '--wait'], {
      BREAKWATER_URL: harness.api.url,
    });
    const code = await running.exited;
    const output = running.output();
    // On a failure, the CLI's own words: every line that is not a job's JSON.
    const said = output
      .split('\n')
      .filter((line) => !line.startsWith('{'))
      .join('\n');
    expect(code, said).toBe(0);
    expect(output).toContain(`${jobs} enqueued`);
    expect(output).toContain(`${jobs} completed, 0 failed or gone`);

    // stdout alone: stderr's progress lines can land inside a long JSON line of the interleaved output.
    const ended = running
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"state"'))
      .map(
        (line) =>
          JSON.parse(line) as {
            line: number;
            state: string;
            result?: { embeddings: number[][]; provider: string; attempts: unknown[] };
          },
      );
    expect(ended).toHaveLength(jobs);
    expect(new Set(ended.map((entry) => entry.line)).size).toBe(jobs);
    for (const entry of ended) {
      expect(entry.state).toBe('completed');
      // A job the primary did not serve says why in its attempts.
      expect(entry.result?.provider, JSON.stringify(entry.result?.attempts)).toBe('primary');
      expect(entry.result?.embeddings).toHaveLength(2);
      expect(entry.result?.embeddings.every((vector) => vector.length === dimensions)).toBe(true);
    }
    expect(harness.simulator.stats('primary').calls).toBe(jobs);
  }, 120_000);
});

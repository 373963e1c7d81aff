import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderSimulator } from '../src/simulator/simulator.js';
import { ApiHarness } from './support/api-harness.js';
import { redisUrl } from './support/worker-harness.js';

const run = promisify(execFile);

/** The README's runnable blocks: fenced as `js run`, in order. */
function snippets(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  return [...readme.matchAll(/^```js run\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

/**
 * Each snippet runs with plain node (no tsx, no loader), from a file inside the package so that
 * `breakwater/client` and `breakwater/producer` resolve through package.json "exports" to the
 * compiled dist/ — as they do for an app that installed the package.
 */
async function runSnippet(name: string, code: string, env: Record<string, string>): Promise<string> {
  const dir = join('test-artifacts', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  const { stdout } = await run(process.execPath, [file], {
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return stdout;
}

let harness: ApiHarness;
const simulator = new ProviderSimulator();
let simulatorUrl: string;

beforeAll(async () => {
  // What `npm ci` runs on `prepare`: the package's compiled entry points, rebuilt when src/ is newer.
  await run(process.execPath, ['scripts/prepare.js'], { timeout: 240_000 });
  harness = await new ApiHarness({ worker: true }).start();
  simulatorUrl = await simulator.start();
}, 300_000);

afterAll(async () => {
  await harness?.stop();
  await simulator.close();
});

describe("the README's code", () => {
  it('has the three runnable snippets: client, plain BullMQ producer, official SDK', () => {
    const all = snippets();
    expect(all).toHaveLength(3);
    expect(all[0]).toContain("from 'breakwater/client'");
    expect(all[1]).toContain("from 'breakwater/producer'");
    expect(all[2]).toContain("from 'openai'");
  });

  it('the client snippet submits a job and waits for its result', async () => {
    const output = await runSnippet('client', snippets()[0]!, { BREAKWATER_URL: harness.api.url });
    expect(output).toMatch(/^completed primary Simulated reply from primary/m);
  });

  it('the plain-BullMQ snippet adds jobs the worker runs with Breakwater’s retries and retention', async () => {
    const output = await runSnippet('producer', snippets()[1]!, {
      REDIS_URL: redisUrl,
      BREAKWATER_QUEUE: harness.queueName,
    });
    const ids = output.trim().split(/\s+/);
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      await expect
        .poll(async () => (await harness.job(id)).getState(), { timeout: 15_000 })
        .toBe('completed');
      const job = await harness.job(id);
      expect(job.opts).toMatchObject({
        attempts: 5,
        backoff: { type: 'breakwater', delay: 1000 },
        removeOnComplete: { age: 7 * 24 * 3600 },
      });
    }
    expect((await harness.job(ids[1]!)).opts.priority).toBe(1);
    const view = await harness.request('GET', `/v1/jobs/${ids[0]}`);
    expect(view.body).toMatchObject({ state: 'completed', maxAttempts: 5 });
  });

  it('the SDK snippet gets the simulator’s answer, then OpenAI’s own 503', async () => {
    const output = await runSnippet('sdk', snippets()[2]!, { SIMULATOR_URL: simulatorUrl });
    expect(output).toContain('Simulated reply from sim-openai (gpt-4.1-mini): hello');
    expect(output).toMatch(/^refused 503 /m);
    // …and leaves the simulator as it found it.
    expect(simulator.profile('sim-openai').mode).toEqual({ kind: 'healthy' });
  });
});

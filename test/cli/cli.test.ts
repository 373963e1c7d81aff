import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness } from '../support/api-harness.js';
import { startProcess } from '../support/child-process.js';
import { startFakeApi } from '../support/fake-api.js';
import { tempDir } from '../support/temp-dir.js';

let harness: ApiHarness;
afterEach(() => harness.stop());

const token = 'cli-token-51';

async function breakwater(args: string[], env: Record<string, string>, input?: string) {
  const running = startProcess(process.execPath, ['scripts/breakwater.js', ...args], env, input);
  const code = await running.exited;
  return { code, output: running.output() };
}

function writeTemp(name: string, content: string): string {
  const file = join(tempDir('cli'), name);
  writeFileSync(file, content);
  return file;
}

const lines = [
  JSON.stringify({ prompt: 'summarise ticket 1' }),
  JSON.stringify({ prompt: 'summarise ticket 2', route: 'solo' }),
  '{"prompt": "summarise ticket 3"',
  '',
  JSON.stringify({ messages: [{ role: 'user', content: 'summarise ticket 4' }] }),
  JSON.stringify({ prompt: 'summarise ticket 5', route: 'no-such-route' }),
  JSON.stringify({ prompt: 'summarise ticket 6', colour: 'red' }),
  JSON.stringify({ prompt: 'summarise ticket 7' }),
];

describe('breakwater enqueue', () => {
  it('reports bad lines by number, enqueues every good line, and --wait prints each result', async () => {
    harness = await new ApiHarness({ worker: true, token }).start();
    const file = writeTemp('jobs.jsonl', lines.join('\n'));
    const rejects = join(tmpdir(), `rejects-${harness.queueName}.jsonl`);
    // Polls a minute apart: results arrive within seconds only because /v1/events says when.
    const { code, output } = await breakwater(
      ['enqueue', file, '--wait', '--poll', '60000', '--batch-size', '2', '--rejects', rejects],
      { BREAKWATER_URL: harness.api.url, BREAKWATER_API_TOKEN: token },
    );
    expect(code).toBe(1);
    expect(output).toContain('line 3: not valid JSON');
    expect(output).toContain('line 7: colour: unknown field');
    // Refused by the server (it knows the routes); the rest of that batch was resent and enqueued.
    expect(output).toMatch(/line 6: route: unknown route "no-such-route"/);
    expect(output).toContain('4 enqueued, 3 bad line(s) not enqueued');
    expect(output).toContain('4 completed, 0 failed or gone');

    const printed = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) => JSON.parse(line) as { line: number; id: string; state?: string; result?: { text: string } },
      );
    // Each job's id as its batch is accepted, then each result as the job finishes.
    const ids = printed.filter((entry) => entry.state === undefined);
    const results = printed.filter((entry) => entry.state !== undefined);
    expect(ids.map((entry) => entry.line)).toEqual([1, 2, 5, 8]);
    expect(printed.indexOf(ids[3]!)).toBeLessThan(printed.indexOf(results[0]!));
    expect(results.map((result) => result.line).sort()).toEqual([1, 2, 5, 8]);
    expect(results.map((result) => result.id).sort()).toEqual(ids.map((entry) => entry.id).sort());
    const ticketOnLine: Record<number, number> = { 1: 1, 2: 2, 5: 4, 8: 7 };
    for (const result of results) {
      expect(result.state).toBe('completed');
      expect(result.result?.text).toContain(`summarise ticket ${ticketOnLine[result.line]}`);
    }
    expect(await harness.queue.getJobCountByTypes('completed')).toBe(4);
    expect(readFileSync(rejects, 'utf8')).toBe(`${[lines[2], lines[5], lines[6]].join('\n')}\n`);
  });

  it('reads stdin with -, prints ids without --wait, and exits 0 when every line is good', async () => {
    harness = await new ApiHarness().start();
    const input = `${JSON.stringify({ prompt: 'a' })}\n${JSON.stringify({ prompt: 'b', delayMs: 60_000 })}\n`;
    const { code, output } = await breakwater(['enqueue', '-'], { BREAKWATER_URL: harness.api.url }, input);
    expect(code).toBe(0);
    const ids = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { line: number; id: string });
    expect(ids.map((entry) => entry.line)).toEqual([1, 2]);
    expect(await harness.states(ids.map((entry) => entry.id))).toEqual(['waiting', 'delayed']);
  });

  it('a wrong token is one readable error, exit 1, nothing enqueued', async () => {
    harness = await new ApiHarness({ token }).start();
    const file = writeTemp('jobs.jsonl', `${JSON.stringify({ prompt: 'a' })}\n`);
    const { code, output } = await breakwater(['enqueue', file], {
      BREAKWATER_URL: harness.api.url,
      BREAKWATER_API_TOKEN: 'wrong',
    });
    expect(code).toBe(1);
    expect(output.trim()).toBe('breakwater: the token is not valid');
    expect(await harness.queue.count()).toBe(0);
  });
});

describe('breakwater enqueue, edge cases', () => {
  it('reads a file with a byte-order mark and CRLF line ends', async () => {
    harness = await new ApiHarness().start();
    const file = writeTemp(
      'windows.jsonl',
      `\uFEFF${JSON.stringify({ prompt: 'a' })}\r\n${JSON.stringify({ prompt: 'b' })}\r\n`,
    );
    const { code, output } = await breakwater(['enqueue', file], { BREAKWATER_URL: harness.api.url });
    expect(code).toBe(0);
    expect(output).toContain('2 enqueued');
    expect(await harness.queue.count()).toBe(2);
  });

  it('splits a batch the API finds too large (413) and enqueues every job once', async () => {
    harness = await new ApiHarness({ bodyLimit: '2kb' }).start();
    const prompt = 'x'.repeat(150);
    const file = writeTemp(
      'big.jsonl',
      Array.from({ length: 30 }, (_, i) => JSON.stringify({ prompt: `${i} ${prompt}` })).join('\n'),
    );
    const { code, output } = await breakwater(['enqueue', file, '--batch-size', '30'], {
      BREAKWATER_URL: harness.api.url,
    });
    expect(code).toBe(0);
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { line: number });
    expect(lines.map((entry) => entry.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await harness.queue.count()).toBe(30);
  });

  it('--wait reports a job cancelled meanwhile as gone and still waits for the rest', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const file = writeTemp(
      'jobs.jsonl',
      `${JSON.stringify({ prompt: 'now' })}\n${JSON.stringify({ prompt: 'later', delayMs: 60_000 })}\n`,
    );
    const running = startProcess(
      process.execPath,
      ['scripts/breakwater.js', 'enqueue', file, '--wait', '--poll', '50'],
      {
        BREAKWATER_URL: harness.api.url,
      },
    );
    await expect.poll(async () => (await harness.queue.getDelayed()).length, { timeout: 10_000 }).toBe(1);
    const [delayed] = await harness.queue.getDelayed();
    expect((await harness.request('DELETE', `/v1/jobs/${delayed?.id}`)).status).toBe(200);
    expect(await running.exited).toBe(1);
    const results = running
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{"line"') && line.includes('"state"'))
      .map((line) => JSON.parse(line) as { line: number; state: string });
    expect(results.sort((a, b) => a.line - b.line).map((result) => [result.line, result.state])).toEqual([
      [1, 'completed'],
      [2, 'gone'],
    ]);
    expect(running.output()).toContain('1 completed, 1 failed or gone');
  });
});

describe('breakwater status and providers', () => {
  it('prints a job as JSON and the providers as a table', async () => {
    harness = await new ApiHarness({ worker: true }).start();
    const job = await harness.add({ prompt: 'status check' });
    await expect
      .poll(async () => (await harness.job(job.id!)).getState(), { timeout: 10_000 })
      .toBe('completed');
    const env = { BREAKWATER_URL: harness.api.url };

    const status = await breakwater(['status', job.id!], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.output)).toMatchObject({
      id: job.id,
      state: 'completed',
      result: { provider: 'primary' },
    });

    const missing = await breakwater(['status', 'no-such-job'], env);
    expect(missing.code).toBe(1);
    expect(missing.output.trim()).toBe('breakwater: no job no-such-job');

    const providers = await breakwater(['providers'], env);
    expect(providers.code).toBe(0);
    const rows = providers.output.trim().split('\n');
    expect(rows[0]).toMatch(/^PROVIDER\s+TYPE\s+STATE/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 3))).toEqual([
      ['primary', 'simulated', 'closed'],
      ['secondary', 'simulated', 'closed'],
      ['tertiary', 'simulated', 'closed'],
    ]);
  });

  it('providers --watch prints each breaker change as it happens, until stopped', async () => {
    harness = await new ApiHarness({ token }).start();
    const watching = startProcess(process.execPath, ['scripts/breakwater.js', 'providers', '--watch'], {
      BREAKWATER_URL: harness.api.url,
      BREAKWATER_API_TOKEN: token,
    });
    try {
      await expect
        .poll(() => watching.output(), { timeout: 10_000 })
        .toMatch(/tertiary\s+simulated\s+closed/);
      // Subscribed before the table is printed: a change made through the API now streams in.
      const auth = { authorization: `Bearer ${token}` };
      await harness.request(
        'POST',
        '/v1/providers/secondary/open',
        { reason: 'key rotation', by: 'ops' },
        auth,
      );
      await expect
        .poll(() => watching.output(), { timeout: 5_000 })
        .toMatch(/\S+Z {2}secondary {2}open {2}opened by ops: key rotation {2}\(by ops\)/);
      await harness.request('POST', '/v1/providers/secondary/close', { reason: 'rotated', by: 'ops' }, auth);
      await expect.poll(() => watching.output(), { timeout: 5_000 }).toMatch(/secondary {2}closed/);
    } finally {
      watching.signalGroup('SIGINT');
      await watching.exited;
    }
  });

  it('providers --watch exits with one error line when the table cannot be read, its stream closed', async () => {
    harness = await new ApiHarness().start();
    const api = await startFakeApi({ dropAfterMs: 60_000 }, (_request, response) => {
      response.statusCode = 500;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
    });
    try {
      const started = Date.now();
      const { code, output } = await breakwater(['providers', '--watch'], { BREAKWATER_URL: api.url });
      expect(code).toBe(1);
      expect(output.trim()).toBe('breakwater: internal error');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await api.close();
    }
  });
});

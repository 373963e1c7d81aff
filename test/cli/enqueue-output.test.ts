import { describe, expect, it } from 'vitest';
import { type EnqueueClient, enqueueCommand } from '../../src/cli/enqueue-command.js';
import { runCli } from '../../src/cli/program.js';
import type { EndedJob } from '../../src/client/index.js';
import type { AcceptedJob, JobInput } from '../../src/contract/index.js';
import { startFakeApi } from '../support/fake-api.js';

/**
 * What a person sees when stdout and stderr share one terminal: carriage returns go back to the
 * start of the line, `ESC [K` clears the rest of it, everything else overwrites in place.
 */
function screen(transcript: string): string[] {
  const lines: string[] = [''];
  let column = 0;
  for (let index = 0; index < transcript.length; index++) {
    const char = transcript[index] as string;
    const row = lines.length - 1;
    if (transcript.startsWith('\x1b[K', index)) {
      lines[row] = (lines[row] ?? '').slice(0, column);
      index += 2;
    } else if (char === '\r') {
      column = 0;
    } else if (char === '\n') {
      lines.push('');
      column = 0;
    } else {
      const current = lines[row] ?? '';
      lines[row] = current.slice(0, column) + char + current.slice(column + 1);
      column += 1;
    }
  }
  return lines.filter((line) => line !== '');
}

/** A client whose jobs are accepted in order and end in the order given, one per read of the loop. */
function fakeClient(endOrder: number[]): EnqueueClient & { enqueued: JobInput[] } {
  const enqueued: JobInput[] = [];
  return {
    enqueued,
    async enqueueMany(jobs: readonly JobInput[]): Promise<AcceptedJob[]> {
      return jobs.map((job) => {
        enqueued.push(job);
        return { id: String(enqueued.length), state: 'waiting' };
      });
    },
    async *waitFor(ids: Iterable<string>): AsyncGenerator<EndedJob, void, undefined> {
      const known = new Set(ids);
      for (const index of endOrder) {
        const id = String(index);
        if (!known.has(id)) continue;
        yield {
          id,
          state: 'completed',
          attempts: 1,
          maxAttempts: 5,
          deferrals: 0,
          createdAt: new Date(0).toISOString(),
          timeline: [],
          result: {
            text: `answer ${id}`,
            finishReason: 'stop',
            provider: 'p',
            model: 'm',
            usage: { inputTokens: 1, outputTokens: 1 },
            latencyMs: 1,
            costUsd: null,
            fallbackUsed: false,
            attempts: [],
          },
        };
      }
    },
  };
}

async function run(input: string, options: { wait: boolean; batchSize?: number }, endOrder = [2, 1, 4, 3]) {
  let terminal = '';
  let stdout = '';
  const client = fakeClient(endOrder);
  const code = await enqueueCommand(
    client,
    input,
    { wait: options.wait, batchSize: options.batchSize ?? 1, pollMs: 500 },
    {
      stdout: {
        write: (text: string) => {
          terminal += text;
          stdout += text;
        },
      },
      stderr: {
        isTTY: true,
        write: (text: string) => {
          terminal += text;
        },
      },
    },
  );
  return { code, screen: screen(terminal), stdout: stdout.split('\n').filter(Boolean), client };
}

const fourJobs = [1, 2, 3, 4].map((n) => JSON.stringify({ prompt: `ticket ${n}` })).join('\n');
const bar = /^\[[█░]{30}\] +\d+\/\d+ (enqueued|finished)$/;

describe('breakwater enqueue on a terminal', () => {
  it('--wait prints each id as its batch is accepted, then each result, never glued to the bar', async () => {
    const { code, screen, stdout } = await run(fourJobs, { wait: true });
    expect(code).toBe(0);
    for (const line of screen) {
      if (line.startsWith('{')) expect(() => JSON.parse(line), line).not.toThrow();
      else expect(line).toMatch(/^\[[█░]{30}\] +\d+\/\d+ (enqueued|finished)$|^4 enqueued$|^4 completed/);
    }
    const printed = stdout.map((line) => JSON.parse(line) as { line: number; id: string; state?: string });
    expect(printed.slice(0, 4)).toEqual([1, 2, 3, 4].map((n) => ({ line: n, id: String(n) })));
    expect(printed.slice(4).map((entry) => [entry.line, entry.state])).toEqual([
      [2, 'completed'],
      [1, 'completed'],
      [4, 'completed'],
      [3, 'completed'],
    ]);
    // Each bar is drawn once it reaches its end, on its own line.
    expect(screen.filter((line) => bar.test(line))).toEqual([
      expect.stringMatching(/4\/4 enqueued$/),
      expect.stringMatching(/4\/4 finished$/),
    ]);
  });

  it('ids printed between batches and bad-line reports do not land on the bar either', async () => {
    const input = [JSON.stringify({ prompt: 'a' }), '{"prompt": "b"', JSON.stringify({ prompt: 'c' })].join(
      '\n',
    );
    const { code, screen } = await run(input, { wait: false });
    expect(code).toBe(1);
    expect(screen).toEqual([
      'line 2: not valid JSON',
      '{"line":1,"id":"1"}',
      '{"line":3,"id":"2"}',
      expect.stringMatching(/^\[█{30}\] 2\/2 enqueued$/),
      '2 enqueued, 1 bad line(s) not enqueued',
    ]);
  });

  it('an error after some batches says so on its own line, and replaces the bar', async () => {
    let requests = 0;
    const api = await startFakeApi('refuse-upgrade', (_request, response) => {
      requests += 1;
      response.setHeader('content-type', 'application/json');
      if (requests === 1) {
        response.end(JSON.stringify({ jobs: [{ id: '1', state: 'waiting' }] }));
        return;
      }
      response.statusCode = 500;
      response.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
    });
    let terminal = '';
    let code = 0;
    try {
      await runCli(['node', 'breakwater', 'enqueue', '-', '--batch-size', '1'], {
        env: { BREAKWATER_URL: api.url },
        readStdin: async () => fourJobs,
        stdout: { write: (text: string) => (terminal += text) },
        stderr: { isTTY: true, write: (text: string) => (terminal += text) },
        exit: (exitCode) => {
          code = exitCode;
        },
      });
    } finally {
      await api.close();
    }
    expect(code).toBe(1);
    expect(screen(terminal)).toEqual([
      '{"line":1,"id":"1"}',
      '1 job(s) were enqueued before this error (ids on stdout)',
      'breakwater: internal error',
    ]);
  });
});

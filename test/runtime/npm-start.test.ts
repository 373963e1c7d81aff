import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfigDocument } from '../../src/config/default-config.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { healthzStatus, type RunningProcess, startEntry, startProcess } from '../support/child-process.js';
import { freePort } from '../support/redis-server.js';
import { tempDir } from '../support/temp-dir.js';
import { redisUrl } from '../support/worker-harness.js';

let running: RunningProcess | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  running?.signalGroup('SIGKILL');
  running = undefined;
  if (queue) await removeQueue(queue);
  queue = undefined;
});

/** The built-in keyless config with the test's own queue name, so the shared Redis stays clean. */
function configFile(queueName: string): string {
  const dir = tempDir('start');
  const file = join(dir, 'breakwater.json');
  writeFileSync(file, JSON.stringify({ ...defaultConfigDocument, queue: { name: queueName } }));
  return file;
}

describe('npm start', () => {
  it('runs API and worker in one process: a job submitted over HTTP completes, Bull Board loads', async () => {
    const port = await freePort();
    const name = `test-${randomUUID()}`;
    queue = new Queue(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
    running = startProcess('npm', ['start', '--silent'], {
      PORT: String(port),
      REDIS_URL: redisUrl,
      BREAKWATER_CONFIG: configFile(name),
    });
    const base = `http://127.0.0.1:${port}`;
    await expect
      .poll(() => healthzStatus(base), {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(200);

    const created = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'summarise the tide tables' }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const view = async () =>
      (await fetch(`${base}/v1/jobs/${id}`)).json() as Promise<Record<string, unknown>>;
    await expect.poll(async () => (await view()).state, { timeout: 15_000, interval: 100 }).toBe('completed');
    expect(await view()).toMatchObject({ result: { provider: 'sim-openai', fallbackUsed: false } });

    const page = await fetch(`${base}/admin/queues`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = html.match(/<script[^>]+src="([^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script!, `${base}/admin/queues/`));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const queues = (await (await fetch(`${base}/admin/queues/api/queues`)).json()) as {
      queues: { name: string; displayName: string }[];
    };
    expect(queues.queues.map((entry) => entry.displayName)).toContain(name);

    // As a terminal's Ctrl-C or a process manager does: the signal reaches npm and Breakwater alike.
    running.signalGroup('SIGTERM');
    // npm forwards the group's signal, so node gets it twice: the copy is not a second signal.
    expect(await running.exited).toBe(0);
    await running.closed;
    expect(running.output()).toContain('"msg":"api stopped"');
    expect(running.output()).toContain('"msg":"worker stopped"');
  });

  it('without Redis: one line naming the URL and how to get Redis, exit 1, no stack trace', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    running = startEntry('workers/start.ts', { PORT: String(await freePort()), REDIS_URL: url }, 'tsx');
    expect(await running.exited).toBe(1);
    const output = running.output().trim();
    expect(output).toBe(
      `breakwater: cannot reach Redis at ${url} (ECONNREFUSED); start one with "sudo apt-get install redis-server" ` +
        'or "docker compose up -d redis", or set REDIS_URL to yours',
    );
  });

  it('a bad PORT or a busy port is a one-line error naming it', async () => {
    const name = `test-${randomUUID()}`;
    queue = new Queue(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
    const env = { REDIS_URL: redisUrl, BREAKWATER_CONFIG: configFile(name) };
    running = startEntry('workers/api.ts', { ...env, PORT: 'eighty' }, 'tsx');
    expect(await running.exited).toBe(2);
    expect(running.output()).toContain('PORT: "eighty" is not a port; set PORT to a number from 0 to 65535');

    const port = await freePort();
    const first = startEntry('workers/api.ts', { ...env, PORT: String(port) }, 'tsx');
    try {
      await expect
        .poll(
          () =>
            fetch(`http://127.0.0.1:${port}/healthz`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 20_000 },
        )
        .toBe(200);
      running = startEntry('workers/api.ts', { ...env, PORT: String(port) }, 'tsx');
      expect(await running.exited).toBe(1);
      expect(running.output()).toContain(
        `breakwater: port ${port} is already in use; set PORT to a free port`,
      );
      expect(running.output()).not.toMatch(/\n\s+at /);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('"msg":"api stopped"');
    } finally {
      first.signalGroup('SIGKILL');
    }
  });
});

import { rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { developmentRedis } from '../../src/runtime/development-redis.js';
import { healthzStatus, type RunningProcess, startEntry, startProcess } from '../support/child-process.js';
import { DedicatedRedis, freePort } from '../support/redis-server.js';
import { tempDir } from '../support/temp-dir.js';

let running: RunningProcess | undefined;
let redisPort: number | undefined;
afterEach(async () => {
  running?.signalGroup('SIGKILL');
  running = undefined;
  // The child Redis runs in a process group of its own: a failed test must not leave it behind.
  if (redisPort !== undefined && (await listening(redisPort))) {
    const client = new Redis(redisPort, '127.0.0.1', { maxRetriesPerRequest: 0 });
    await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    client.disconnect();
  }
  if (redisPort !== undefined) rmSync(dataDir(redisPort), { recursive: true, force: true });
  redisPort = undefined;
});

const dataDir = (port: number) => join(process.cwd(), '.breakwater', `redis-${port}`);

/** Whether anything accepts a TCP connection on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const graceMs = 5_000;

describe('npm start without a Redis', () => {
  it('uses whatever answers at the default address, and REDIS_URL when set, starting nothing', async () => {
    const announced: string[] = [];
    const announce = (message: string) => announced.push(message);
    const answering = await developmentRedis({ env: { BREAKWATER_LOCAL_REDIS_PORT: '6379' }, announce });
    expect(answering.url).toBe('redis://127.0.0.1:6379');
    const chosen = await developmentRedis({ env: { REDIS_URL: 'redis://elsewhere:6380' }, announce });
    expect(chosen.url).toBe('redis://elsewhere:6380');
    await answering.close();
    await chosen.close();
    expect(announced).toEqual([]);
  });

  it('starts a redis-server of its own, runs a job, and SIGTERM to npm stops everything, Redis included', async () => {
    // The machine's shared Redis holds 6379, so the "default address" is a free port here.
    redisPort = await freePort();
    const port = await freePort();
    running = startProcess('npm', ['start', '--silent'], {
      REDIS_URL: '',
      BREAKWATER_LOCAL_REDIS_PORT: String(redisPort),
      PORT: String(port),
      BREAKWATER_SHUTDOWN_GRACE_MS: String(graceMs),
      LOG_FORMAT: 'json',
    });
    const base = `http://127.0.0.1:${port}`;
    await expect
      .poll(() => healthzStatus(base), {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(200);
    const announced = running
      .output()
      .split('\n')
      .filter((line) => line.includes('redis-server was started'));
    expect(announced).toHaveLength(1);
    const { pid, url, dir } = JSON.parse(announced[0]!) as { pid: number; url: string; dir: string };
    expect(url).toBe(`redis://127.0.0.1:${redisPort}`);
    expect(dir).toBe(dataDir(redisPort));
    const client = new Redis(redisPort, '127.0.0.1', { maxRetriesPerRequest: 0 });
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', dataDir(redisPort)]);
    } finally {
      client.disconnect();
    }

    const created = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'summarise the tide tables' }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    await expect
      .poll(async () => ((await (await fetch(`${base}/v1/jobs/${id}`)).json()) as { state: string }).state, {
        timeout: 15_000,
        interval: 100,
      })
      .toBe('completed');

    // As `kill <pid of npm start>` does: the signal reaches npm only, and npm's child is node itself.
    const signalled = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(graceMs);
    await expect.poll(() => alive(pid), { timeout: graceMs }).toBe(false);
    expect(await listening(port)).toBe(false);
    expect(await listening(redisPort)).toBe(false);
    expect(running.output()).toContain('"msg":"worker stopped"');
  });

  it('without redis-server on the PATH: one line naming the three ways out, exit 1', async () => {
    redisPort = await freePort();
    const emptyPath = tempDir('path');
    running = startEntry('workers/start.ts', {
      REDIS_URL: '',
      BREAKWATER_LOCAL_REDIS_PORT: String(redisPort),
      PORT: String(await freePort()),
      PATH: emptyPath,
    });
    expect(await running.exited).toBe(1);
    expect(running.output().trim()).toBe(
      `breakwater: cannot reach Redis at redis://127.0.0.1:${redisPort} (nothing answers, and redis-server is not on the PATH); ` +
        'install Redis ("sudo apt-get install redis-server", then npm start runs it for you), ' +
        'set REDIS_URL to a Redis of yours, or run "docker compose up -d redis"',
    );
    expect(await listening(redisPort)).toBe(false);
  });

  it('npm run worker never starts one: an unreachable REDIS_URL is one line and exit 1', async () => {
    redisPort = await freePort();
    running = startEntry('workers/worker.ts', {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      BREAKWATER_LOCAL_REDIS_PORT: String(redisPort),
    });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain(`cannot reach Redis at redis://127.0.0.1:${redisPort}`);
    expect(await listening(redisPort)).toBe(false);
  });

  it('a busy port is one line: the API binds before the worker starts or reads the fleet', async () => {
    // A durable Redis of the test's own, so the only thing worth a line is the port.
    const redis = await new DedicatedRedis().start(['--appendonly', 'yes']);
    const port = await freePort();
    const busy = startEntry('workers/api.ts', { REDIS_URL: redis.url, PORT: String(port) });
    try {
      await expect
        .poll(
          () =>
            fetch(`http://127.0.0.1:${port}/healthz`).then(
              (r) => r.status,
              () => 0,
            ),
          {
            timeout: 30_000,
          },
        )
        .toBe(200);
      running = startEntry('workers/start.ts', {
        REDIS_URL: redis.url,
        PORT: String(port),
        LOG_FORMAT: 'json',
      });
      expect(await running.exited).toBe(1);
      expect(running.output().trim()).toBe(
        `breakwater: port ${port} is already in use; set PORT to a free port`,
      );
    } finally {
      busy.signalGroup('SIGKILL');
      await redis.stop();
    }
  });
});

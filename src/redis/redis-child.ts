import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';

export interface RedisChildOptions {
  port: number;
  /** Where its append-only file and log go; created if missing. */
  dir: string;
  /** @defaultValue 'redis-server' (found on the PATH) */
  command?: string;
  /** How long it may take to answer a PING. @defaultValue 10000 */
  readyTimeoutMs?: number;
}

export interface RedisChild {
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops it (SIGTERM: it writes its append-only file and exits; SIGKILL after 10 s). Idempotent. */
  close(): Promise<void>;
}

/** redis-server is not on the PATH. */
export class RedisServerMissingError extends Error {
  override readonly name = 'RedisServerMissingError';
}

/**
 * A redis-server of this process's own on loopback, with the settings that keep a queue's jobs:
 * append-only file on, `noeviction`. It runs in a process group of its own, so a terminal's Ctrl-C
 * reaches Breakwater only, which stops Redis after its workers have handed their jobs back.
 */
export async function startRedisChild(options: RedisChildOptions): Promise<RedisChild> {
  mkdirSync(options.dir, { recursive: true });
  const child = spawn(
    options.command ?? 'redis-server',
    [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dir,
      '--logfile',
      join(options.dir, 'redis.log'),
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT' ? new RedisServerMissingError('redis-server is not on the PATH') : error,
      ),
    );
  });
  // A Breakwater that exits without closing it (process.exit on a startup error) still stops it.
  const onExit = () => stop(child, 'SIGTERM');
  process.once('exit', onExit);
  const url = `redis://127.0.0.1:${options.port}`;
  const ready = await Promise.race([
    answers(options.port, options.readyTimeoutMs ?? 10_000).then((ok) => (ok ? 'ready' : 'no answer')),
    exited.then((how) => `exited (${how})`),
  ]);
  if (ready !== 'ready') {
    stop(child, 'SIGKILL');
    process.removeListener('exit', onExit);
    throw new Error(`redis-server on port ${options.port} ${ready}; see ${join(options.dir, 'redis.log')}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    pid: child.pid,
    close() {
      closing ??= (async () => {
        process.removeListener('exit', onExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        stop(child, 'SIGTERM');
        const stopped = await Promise.race([exited.then(() => true), delay(10_000, false)]);
        if (!stopped) {
          stop(child, 'SIGKILL');
          await exited;
        }
      })();
      return closing;
    },
  };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

async function answers(port: number, timeoutMs: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      try {
        if (client.status !== 'ready') await client.connect();
        if ((await client.ping()) === 'PONG') return true;
      } catch {
        client.disconnect();
        await delay(50);
      }
    }
    return false;
  } finally {
    client.disconnect();
  }
}

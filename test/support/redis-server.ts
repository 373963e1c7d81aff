import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { tempDir } from './temp-dir.js';

/**
 * A free port for a process a test starts (an API, a redis-server). It lies below the ports the
 * kernel hands out for `listen(0)` and outgoing connections (32768 up on Linux), so no client socket
 * and no server of a test beside this one takes it before the process binds it; it is picked at
 * random and checked, so two tests side by side do not pick the same one.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = randomPort(32_768);
    if (await canBind(port)) return port;
  }
}

/** A free port whose cluster bus port (+10000) is free too, both below the ephemeral range. */
export async function freeServerPort(): Promise<number> {
  for (;;) {
    const port = randomPort(22_768);
    if ((await canBind(port)) && (await canBind(port + 10_000))) return port;
  }
}

/** A port from 10000 up to `below`, at random. */
function randomPort(below: number): number {
  return 10_000 + Math.floor(Math.random() * (below - 10_000));
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface RedisProcess {
  port: number;
  process: ChildProcess;
}

/** Attempts before `startRedisServer` gives up. */
const startAttempts = 5;

/**
 * Starts `redis-server` on 127.0.0.1, keeping nothing on disk unless `args` say otherwise, and
 * resolves once it answers. A free port can
 * still be taken between the check and the server's bind; a server that exits before it answers is
 * started again on another port (a fixed port: the same one, a moment later), up to 5 times.
 */
export async function startRedisServer(args: readonly string[], fixedPort?: number): Promise<RedisProcess> {
  const exits: string[] = [];
  for (let attempt = 1; attempt <= startAttempts; attempt++) {
    const port = fixedPort ?? (await freeServerPort());
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    // After 'exit', the output can still be on its way: 'close' comes once it has all arrived.
    const closed = new Promise((resolve) => child.once('close', resolve));
    let said = '';
    child.stdout.on('data', (chunk: Buffer) => {
      said = `${said}${chunk.toString('utf8')}`.slice(-2_000);
    });
    if (await answersAs(child, port)) {
      child.stdout.removeAllListeners('data').resume();
      return { port, process: child };
    }
    await closed;
    exits.push(`port ${port}: exited ${child.exitCode ?? child.signalCode}; ${lastLine(said)}`);
    await delay(200);
  }
  throw new Error(`redis-server did not start in ${startAttempts} attempts:\n${exits.join('\n')}`);
}

/**
 * True once the server on `port` answers as the process `child` (INFO's `process_id`); false when
 * `child` exits first. A port another process took answers too, or never: it is not mistaken for
 * the new server.
 */
async function answersAs(child: ChildProcess, port: number, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const exited = new Promise<'exited'>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve('exited');
    child.once('exit', () => resolve('exited'));
  });
  for (;;) {
    const answer = await Promise.race([processIdOn(port), exited]);
    if (answer === 'exited') return false;
    if (answer === child.pid) return true;
    if (Date.now() > deadline) {
      throw new Error(`redis-server on port ${port} did not answer in ${timeoutMs} ms`);
    }
    await delay(50);
  }
}

/** The `process_id` of the Redis answering on `port`, or undefined when none answers. */
async function processIdOn(port: number): Promise<number | undefined> {
  const client = directClient(port, { connectTimeout: 1_000, commandTimeout: 1_000 });
  try {
    await client.connect();
    const info = await client.info('server');
    return Number(/^process_id:(\d+)/m.exec(info)?.[1]);
  } catch {
    // Not listening yet, or not a Redis that answers.
    return undefined;
  } finally {
    client.disconnect();
  }
}

/**
 * A client of the server on `port` alone, for one question: it connects when asked, never retries,
 * and its errors reach the caller, not the log.
 */
export function directClient(port: number, options: RedisOptions = {}): Redis {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
  client.on('error', () => undefined);
  return client;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) || '(no output)';
}

/** A redis-server of the test's own, on a free port, for settings or counters the shared one must not get. */
export class DedicatedRedis {
  #process: ChildProcess | undefined;
  readonly #clients: Redis[] = [];
  port = 0;
  readonly dir = tempDir('redis');

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(extraArgs: string[] = []): Promise<this> {
    // A restart keeps the port: clients reconnect to the same address.
    const started = await startRedisServer(['--dir', this.dir, ...extraArgs], this.port || undefined);
    this.port = started.port;
    this.#process = started.process;
    return this;
  }

  /** A client of this server; it is disconnected when the server stops. */
  client(): Redis {
    const client = new Redis(this.port, '127.0.0.1');
    this.#clients.push(client);
    return client;
  }

  /** Sends the server a signal: SIGSTOP freezes it (connections stay open, nothing answers), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void {
    this.#process?.kill(signal);
  }

  async stop(): Promise<void> {
    // A client left behind would keep reconnecting to a server that is gone, in a worker that runs
    // the next test files too.
    for (const client of this.#clients.splice(0)) client.disconnect();
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** Total commands Redis executed since the last CONFIG RESETSTAT (scripts' inner commands included). */
export async function commandCount(
  client: Redis,
): Promise<{ total: number; byCommand: Record<string, number> }> {
  const info = await client.info('commandstats');
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const calls = Number(match[2]);
    byCommand[match[1]!] = calls;
    total += calls;
  }
  return { total, byCommand };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { tempDir } from './temp-dir.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
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
    if (!this.port) this.port = await freePort();
    this.#process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        ...extraArgs,
      ],
      { stdio: 'ignore' },
    );
    const client = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await client.connect().catch(() => undefined);
        if ((await client.ping()) === 'PONG') break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    client.disconnect();
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

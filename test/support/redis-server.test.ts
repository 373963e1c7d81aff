import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freeServerPort, type RedisProcess, startRedisServer } from './redis-server.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function stopOnCleanup(started: RedisProcess): RedisProcess {
  cleanups.push(() => started.process.kill('SIGKILL'));
  return started;
}

describe('a redis-server of a test of its own', () => {
  it('starts on a port below the ephemeral range whose bus port is free too, and answers', async () => {
    const started = stopOnCleanup(await startRedisServer([]));
    // Port numbers, not durations: the port and its cluster bus port (+10000) lie below the first
    // port the kernel hands out itself.
    const busOffset = 10_000;
    const firstEphemeralPort = 32_768;
    expect(started.port).toBeGreaterThanOrEqual(10_000);
    expect(started.port + busOffset).toBeLessThan(firstEphemeralPort);
    const client = new Redis(started.port, '127.0.0.1');
    cleanups.push(() => client.disconnect());
    expect(await client.ping()).toBe('PONG');
  });

  it('on a port something else took, says so after its attempts instead of waiting for an answer', async () => {
    const port = await freeServerPort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => holder.close());
    await expect(startRedisServer([], port)).rejects.toThrow(
      /did not start in 5 attempts:\n(port \d+: exited 1; .+\n?){5}$/,
    );
  });
});

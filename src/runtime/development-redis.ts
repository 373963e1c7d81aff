import { createConnection } from 'node:net';
import { join, relative } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { redisUrl } from '../redis/connection.js';
import { RedisServerMissingError, startRedisChild } from '../redis/redis-child.js';
import { RedisUnreachableError } from '../redis/redis-unreachable-error.js';

export interface DevelopmentRedis {
  readonly url: string;
  /** Stops the redis-server this process started, if it started one. Idempotent. */
  close(): Promise<void>;
}

export interface DevelopmentRedisOptions {
  env?: NodeJS.ProcessEnv;
  /** Where `.breakwater/redis/` goes. @defaultValue process.cwd() */
  root?: string;
  /** Told, in one line, that a redis-server was started. */
  announce: (message: string, details: { url: string; dir: string; pid: number | undefined }) => void;
}

/**
 * The Redis of `npm start` and the demo, for trying Breakwater on any machine: REDIS_CLUSTER_NODES
 * or REDIS_URL when set;
 * else whatever answers on 127.0.0.1 at the default port (BREAKWATER_LOCAL_REDIS_PORT, 6379); else a
 * redis-server from the PATH started as a child, its data in `.breakwater/redis/`, stopped on close.
 * `npm run api` and `npm run worker` never call this: a production process must not hide a missing
 * Redis behind one of its own.
 */
export async function developmentRedis(options: DevelopmentRedisOptions): Promise<DevelopmentRedis> {
  const env = options.env ?? process.env;
  if (env.REDIS_CLUSTER_NODES?.trim() || env.REDIS_URL)
    return { url: redisUrl(env), close: async () => undefined };
  const port = localPort(env);
  const url = `redis://127.0.0.1:${port}`;
  // Something listening there (a Redis, even one asking for a password) is the user's: use it, and
  // let the usual checks speak about it.
  if (!(await refusesConnections(port))) return { url, close: async () => undefined };
  const root = options.root ?? process.cwd();
  const dir = join(root, '.breakwater', port === defaultPort ? 'redis' : `redis-${port}`);
  try {
    const child = await startRedisChild({ port, dir });
    options.announce(
      `no Redis answered at 127.0.0.1:${port}, so a redis-server was started there (data in ${relative(root, dir)}/, append-only, noeviction); it stops when Breakwater does`,
      { url, dir, pid: child.pid },
    );
    return child;
  } catch (error) {
    if (!(error instanceof RedisServerMissingError)) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RedisUnreachableError(
        url,
        `nothing answers, and the redis-server started there failed: ${reason}`,
      );
    }
    throw new RedisUnreachableError(
      url,
      'nothing answers, and redis-server is not on the PATH',
      'install Redis ("sudo apt-get install redis-server", then npm start runs it for you), ' +
        'set REDIS_URL to a Redis of yours, or run "docker compose up -d redis"',
    );
  }
}

const defaultPort = 6379;

function localPort(env: NodeJS.ProcessEnv): number {
  const raw = env.BREAKWATER_LOCAL_REDIS_PORT;
  if (!raw) return defaultPort;
  const port = Number(raw);
  if (Number.isInteger(port) && port > 0 && port <= 65_535) return port;
  throw new ConfigError('environment', [
    {
      path: 'BREAKWATER_LOCAL_REDIS_PORT',
      message: `"${raw}" is not a port; set it to a number from 1 to 65535, or leave it unset for 6379`,
    },
  ]);
}

/** True when nothing accepts a TCP connection on the loopback port. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

import { ConfigError } from '../config/config-error.js';
import type { Logger } from '../logging/logger.js';
import { RedisUnreachableError } from '../redis/redis-unreachable-error.js';

export interface Closable {
  close(): Promise<void>;
}

/**
 * Runs a process's main: a startup problem the user can fix (config, Redis, a busy port) is one line
 * on stderr and a non-zero exit, never a stack trace; SIGTERM and SIGINT close everything in order
 * and exit 0.
 */
export async function runProcess(logger: Logger, start: () => Promise<Closable>): Promise<void> {
  let running: Closable;
  try {
    running = await start();
  } catch (error) {
    const message = startupProblem(error);
    if (message === undefined) throw error;
    process.stderr.write(`breakwater: ${message}\n`);
    process.exit(ConfigError.is(error) ? 2 : 1);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: no new jobs; in-flight calls get the grace period');
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

function startupProblem(error: unknown): string | undefined {
  if (ConfigError.is(error) || RedisUnreachableError.is(error)) return error.message;
  const code = (error as { code?: unknown } | undefined)?.code;
  const port = (error as { port?: unknown } | undefined)?.port;
  if (code === 'EADDRINUSE') return `port ${String(port)} is already in use; set PORT to a free port`;
  if (code === 'EACCES')
    return `not allowed to listen on port ${String(port)}; set PORT to a port above 1023`;
  return undefined;
}

import { ConfigError } from '../config/config-error.js';
import type { Logger } from '../logging/logger.js';
import { RedisUnreachableError } from '../redis/redis-unreachable-error.js';
import { type ProcessSettings, readProcessSettings } from './process-settings.js';
import { UnsafeBindingError } from './unsafe-binding-error.js';

export interface Closable {
  close(): Promise<void>;
}

/**
 * Runs a process's main: a startup problem the user can fix (config, Redis, a busy port) is one line
 * on stderr and a non-zero exit, never a stack trace; SIGTERM and SIGINT close everything in order
 * and exit 0 (1 past the deadline, or at once on a second signal).
 */
export async function runProcess(
  logger: Logger,
  start: (settings: ProcessSettings) => Promise<Closable>,
): Promise<void> {
  let running: Closable;
  let settings: ProcessSettings;
  try {
    settings = readProcessSettings();
    running = await start(settings);
  } catch (error) {
    const message = startupProblem(error);
    if (message === undefined) throw error;
    process.stderr.write(`breakwater: ${message}\n`);
    process.exit(ConfigError.is(error) || UnsafeBindingError.is(error) ? 2 : 1);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down: no new jobs; in-flight calls get the grace period');
    // Past the grace period plus time to return jobs and close connections: Redis is gone, or a
    // call ignores its abort. Exit rather than hang.
    const deadlineMs = settings.shutdownGraceMs + 15_000;
    setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function startupProblem(error: unknown): string | undefined {
  if (ConfigError.is(error) || RedisUnreachableError.is(error) || UnsafeBindingError.is(error)) {
    return error.message;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const port = (error as { port?: unknown } | undefined)?.port;
  if (code === 'EADDRINUSE') return `port ${String(port)} is already in use; set PORT to a free port`;
  if (code === 'EACCES')
    return `not allowed to listen on port ${String(port)}; set PORT to a port above 1023`;
  return undefined;
}

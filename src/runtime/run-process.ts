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
 * and exit 0 (1 past the deadline, or at once on a second signal). A signal that arrives while the
 * process is still starting closes it as soon as it has started, so nothing it started is left behind.
 */
export async function runProcess(
  logger: Logger,
  start: (settings: ProcessSettings) => Promise<Closable>,
): Promise<void> {
  let running: Closable | undefined;
  let settings: ProcessSettings | undefined;
  let stopping: { signal: NodeJS.Signals; at: number } | undefined;
  const shutDown = (closable: Closable, graceMs: number) => {
    // Past the grace period plus time to return jobs and close connections: Redis is gone, or a
    // call ignores its abort. Exit rather than hang.
    const deadlineMs = graceMs + 15_000;
    setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    closable.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (stopping) {
      // A signal sent to the process group also reaches npm, which forwards it: the same signal
      // again within a moment is that copy, not a user insisting.
      if (signal === stopping.signal && now - stopping.at < duplicateSignalMs) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = { signal, at: now };
    logger.info({ signal }, 'shutting down: no new jobs; in-flight calls get the grace period');
    if (running && settings) shutDown(running, settings.shutdownGraceMs);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    settings = readProcessSettings();
    running = await start(settings);
  } catch (error) {
    const message = startupProblem(error);
    if (message === undefined) throw error;
    process.stderr.write(`breakwater: ${message}\n`);
    process.exit(ConfigError.is(error) || UnsafeBindingError.is(error) ? 2 : 1);
  }
  if (stopping) shutDown(running, settings.shutdownGraceMs);
}

/** How close together two copies of one signal arrive when npm forwards what the group got. */
const duplicateSignalMs = 1_000;

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

/**
 * A Breakwater worker process: takes jobs from the queue and serves them through the providers'
 * breakers and each job's fallback chain. Run as many as you like, on as many machines, against
 * one Redis:  REDIS_URL=redis://host:6379 BREAKWATER_CONFIG=breakwater.yaml npm run worker
 */
import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/logging/logger.js';
import { redisUrl } from '../src/redis/connection.js';
import { startWorkerRuntime } from '../src/runtime/worker-runtime.js';

const logger = createLogger();
try {
  const loaded = loadConfig();
  const runtime = await startWorkerRuntime({
    loaded,
    redisUrl: redisUrl(),
    logger,
    closeGraceMs: Number(process.env.BREAKWATER_SHUTDOWN_GRACE_MS ?? 30_000),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down: no new jobs; in-flight calls get the grace period');
      runtime.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  if (ConfigError.is(error)) {
    process.stderr.write(`breakwater: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

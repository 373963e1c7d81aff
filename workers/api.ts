/**
 * The Breakwater HTTP API on its own (no worker): submit and inspect jobs, provider status, docs at
 * /docs and Bull Board at /admin/queues. Pair it with any number of `npm run worker` processes.
 *   PORT=3000 HOST=0.0.0.0 BREAKWATER_API_TOKEN=… REDIS_URL=redis://host:6379 npm run api
 */
import { createLogger } from '../src/logging/logger.js';
import { startApiRuntime } from '../src/runtime/api-runtime.js';
import { prepareProcess } from '../src/runtime/prepare-process.js';
import { runProcess } from '../src/runtime/run-process.js';

const logger = createLogger();
await runProcess(logger, async (settings) => {
  const { loaded, redisUrl } = await prepareProcess(settings, logger, { serves: true });
  return startApiRuntime({ loaded, logger, ...settings, redisUrl });
});

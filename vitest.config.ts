import { defineConfig } from 'vitest/config';

/** Pure unit tests: no Redis, no processes, no shared state. */
const unit = [
  'test/config/**/*.test.ts',
  'test/logging/**/*.test.ts',
  'test/providers/**/*.test.ts',
  'test/resilience/**/*.test.ts',
  'test/simulator/**/*.test.ts',
  'test/unit/**/*.test.ts',
  'test/architecture/**/*.test.ts',
  'test/contract/**/*.test.ts',
];

/**
 * Tests that measure the machine's timing or load it heavily (kill -9 of worker processes, a backlog
 * of thousands of jobs, shutdown and restart windows, call-rate ramps): they run last, one at a time,
 * with nothing beside them.
 */
const exclusive = [
  'test/hardening/crash-kill.test.ts',
  'test/hardening/redis-restart.test.ts',
  'test/hardening/shutdown.test.ts',
  'test/worker/total-outage.test.ts',
  'test/fleet/fleet-processes.test.ts',
  'test/fleet/early-wake.test.ts',
  'test/fleet/quorum.test.ts',
  'test/observability/browser.test.ts',
  'test/batch/batch-fleet.test.ts',
  'test/scripts/demo.test.ts',
  'test/webhooks/receiver-outage.test.ts',
  'test/webhooks/thousand-deliveries.test.ts',
  'test/admission/fleet-pacing.test.ts',
  'test/structured/embeddings-cli.test.ts',
  // A real 6-node Redis Cluster each (and worker processes, a failover).
  'test/cluster/**/*.test.ts',
];

/** Compiles the entry points tests start as processes, once per run (see the file). */
const entryBundles = 'test/support/bundle-entries.ts';

/**
 * `isolate: false` everywhere: a test file reuses its worker's module graph instead of importing
 * every module again (the import of src/ cost more than the tests themselves: 50 s of the unit
 * project's 53 s). It is safe here because no test mocks modules, fakes timers or changes
 * process.env: each file's state is its own queue names, servers and clients, which it closes.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    // Removes the temp folders each file made (test/support/temp-dir.ts) when the file ends.
    setupFiles: ['test/support/remove-temp-dirs.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: unit, maxWorkers: 2, isolate: false, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...unit, ...exclusive],
          // Real Redis (each file its own queue names) and real processes: two files at a time.
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 0 },
          globalSetup: [entryBundles],
        },
      },
      {
        extends: true,
        test: {
          name: 'exclusive',
          include: exclusive,
          fileParallelism: false,
          isolate: false,
          sequence: { groupOrder: 1 },
          globalSetup: [entryBundles],
        },
      },
    ],
  },
});

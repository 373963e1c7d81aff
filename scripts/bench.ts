/**
 * `npm run bench`: Breakwater's speed and outage behaviour, each figure a ratio against raw BullMQ
 * measured in the same run (or a count). Prints a table and writes JSON to bench-results/.
 *   npm run bench -- --jobs 2000 --workers 4 --only worker,submission
 *   npm run bench -- --cluster   (only the Redis Cluster rows: a local 6-node cluster vs one Redis)
 * `--jobs` defaults to 2000; to 20000 for the worker rows, whose 2,000 jobs take a fraction of a second
 * a side on a fast machine (too short to measure steadily); to 5000 for slow-provider (about ten
 * seconds a side).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/config/load-config.js';
import { redisUrl } from '../src/redis/connection.js';
import { clusterBench } from './bench/cluster.js';
import { failover } from './bench/failover.js';
import { outage } from './bench/outage.js';
import { slowProvider } from './bench/slow-provider.js';
import { type BenchRow, formatTable } from './bench/stats.js';
import { submission } from './bench/submission.js';
import { wastedCalls } from './bench/wasted-calls.js';
import { workerPath } from './bench/worker-path.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string' },
    workers: { type: 'string', default: '4' },
    only: { type: 'string' },
    backlog: { type: 'string', default: '10000' },
    cluster: { type: 'boolean', default: false },
  },
});
const jobs = Number(values.jobs ?? 2000);
const workerJobs = Number(values.jobs ?? 20_000);
const workers = Number(values.workers);
const only = values.cluster
  ? new Set(['cluster'])
  : values.only
    ? new Set(values.only.split(','))
    : undefined;
const url = redisUrl();
const config = validateConfig(
  {
    providers: { instant: { type: 'simulated' } },
    routes: { default: [{ provider: 'instant', model: 'gpt-4.1-mini' }] },
  },
  'bench',
  {},
).config;

const suites: Record<string, () => Promise<BenchRow[]>> = {
  worker: () => workerPath(config, url, workerJobs),
  submission: () => submission(config, url, jobs),
  failover: () => failover(url, Math.min(jobs, 500)),
  outage: () => outage(Number(values.backlog), workers),
  'wasted-calls': async () => [await wastedCalls(workers)],
  'slow-provider': async () => [await slowProvider(url, { jobs: Number(values.jobs ?? 5000) })],
};
// Only on request: it starts six redis-server processes of its own.
if (only?.has('cluster')) suites.cluster = () => clusterBench(url, jobs);

const rows: BenchRow[] = [];
for (const [name, suite] of Object.entries(suites)) {
  if (only && !only.has(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await suite()));
}
process.stdout.write(`${formatTable(rows)}\n`);
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version };
mkdirSync('bench-results', { recursive: true });
const file = `bench-results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ jobs, workerJobs, workers, machine, rows }, null, 2)}\n`);
process.stderr.write(`bench: written ${file}\n`);
process.exit(0);

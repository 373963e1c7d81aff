import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { bullQueueNameOf } from '../../src/queue/bullmq-internals.js';
import { jobOptions } from '../../src/queue/job-options.js';
import { removeQueue } from '../../src/queue/remove-queue.js';
import { connectionOptions } from '../../src/redis/connection.js';
import { startApiProcess, startServerProcess } from './api-process.js';
import { jsonPoster } from './http-client.js';
import { type BenchRow, median } from './stats.js';

const job = (i: number) => ({ prompt: `Classify ticket ${i}: the invoice is wrong` });

async function timed(task: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await task();
  return (performance.now() - started) / 1000;
}

/** Runs `count` tasks with `clients` of them in flight at once. */
async function concurrently(
  count: number,
  clients: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** 2. Submission: POST /v1/jobs/bulk vs raw addBulk, and POST /v1/jobs vs raw add, on loopback. */
export async function submission(
  base: BreakwaterConfig,
  redisUrl: string,
  jobs: number,
): Promise<BenchRow[]> {
  const name = `bench-submit-${randomUUID()}`;
  const config = { ...base, queue: { ...base.queue, name } };
  const queue = new Queue(bullQueueNameOf(name), { connection: connectionOptions(redisUrl) });
  // The API runs as its own process (as in production), so it does not share a core with the clients.
  const api = await startApiProcess(config, redisUrl);
  const batch = 500;
  const clients = 32;
  const bare = await startServerProcess('scripts/bench/bare-http-server.ts', {});
  const client = jsonPoster(api.url, clients);
  const bareClient = jsonPoster(bare.url, clients);
  const post = async (path: string, body: unknown) => {
    const status = await client.post(path, body);
    if (status !== 202) throw new Error(`${path} answered ${status}`);
  };
  const options = jobOptions({ ...job(0), onAllOpen: 'defer' }, config.queue);
  const rawBulk = () =>
    timed(async () => {
      for (let start = 0; start < jobs; start += batch) {
        const size = Math.min(batch, jobs - start);
        await queue.addBulk(
          Array.from({ length: size }, (_, i) => ({
            name: 'completion',
            data: job(start + i),
            opts: options,
          })),
        );
      }
    });
  const apiBulk = () =>
    timed(async () => {
      for (let start = 0; start < jobs; start += batch) {
        const size = Math.min(batch, jobs - start);
        await post('/v1/jobs/bulk', { jobs: Array.from({ length: size }, (_, i) => job(start + i)) });
      }
    });
  const rawSingle = () =>
    timed(() => concurrently(jobs, clients, (i) => queue.add('completion', job(i), options)));
  const apiSingle = () => timed(() => concurrently(jobs, clients, (i) => post('/v1/jobs', job(i))));
  const bareSingle = () =>
    timed(() => concurrently(jobs, clients, (i) => bareClient.post('/v1/jobs', job(i))));

  const results = {
    rawBulk: [] as number[],
    apiBulk: [] as number[],
    rawSingle: [] as number[],
    apiSingle: [] as number[],
    bareSingle: [] as number[],
  };
  await apiSingle();
  await rawSingle();
  await bareSingle();
  for (let run = 0; run < 3; run++) {
    results.rawBulk.push(jobs / (await rawBulk()));
    results.apiBulk.push(jobs / (await apiBulk()));
    results.rawSingle.push(jobs / (await rawSingle()));
    results.apiSingle.push(jobs / (await apiSingle()));
    results.bareSingle.push(jobs / (await bareSingle()));
    await queue.obliterate({ force: true });
  }
  client.close();
  bareClient.close();
  await Promise.all([api.close(), bare.close()]);
  await removeQueue(queue);
  const row = (label: string, breakwater: number[], raw: number[], target: number): BenchRow => {
    const ratio = median(breakwater) / median(raw);
    return {
      name: label,
      breakwater: median(breakwater),
      baseline: median(raw),
      unit: 'jobs/s',
      ratio,
      target: `≥ ${target.toFixed(2)}×`,
      met: ratio >= target,
    };
  };
  return [
    row(
      `POST /v1/jobs/bulk vs addBulk (${jobs} jobs, ${batch} a request)`,
      results.apiBulk,
      results.rawBulk,
      0.7,
    ),
    row(`POST /v1/jobs vs add (${jobs} jobs, ${clients} clients)`, results.apiSingle, results.rawSingle, 0.5),
    {
      ...row(
        `POST /v1/jobs vs bare Express answering 202 (HTTP ceiling, ${clients} clients)`,
        results.apiSingle,
        results.bareSingle,
        0.5,
      ),
      note: 'the same requests to Express 5 with express.json() and no validation or Redis',
    },
  ];
}

import { type BulkJobOptions, type ConnectionOptions, type Job, type JobsOptions, Queue } from 'bullmq';
import type { JobData } from './job-input.js';
import { locateShard } from './locate-shard.js';
import { ShardCursor, searchOrder, shardBullNames, shardedJobId } from './shards.js';

export type JobQueue<Result = unknown> = Queue<JobData, Result>;

/** What a producer adds jobs with: one BullMQ queue, or every shard of one (JobQueues). */
export interface JobSink<Result = unknown> {
  add(name: string, data: JobData, opts?: JobsOptions): Promise<Job<JobData, Result>>;
  addBulk(jobs: { name: string; data: JobData; opts?: BulkJobOptions }[]): Promise<Job<JobData, Result>[]>;
  getJob(id: string): Promise<Job<JobData, Result> | undefined>;
}

type Count = Awaited<ReturnType<Queue['getJobCounts']>>;
type JobType = Parameters<Queue['getJobCounts']>[number];

/**
 * A Breakwater queue as the API, the client side and the tests see it: one BullMQ queue per shard
 * (`queue.shards`), read and written as one. A new job goes to the next shard in turn, a job with
 * an idempotency key to the shard its id hashes to (the same in every process); a job is found by
 * its id in whichever shard holds it; counts are the shards' sums.
 */
export class JobQueues<Result = unknown> implements JobSink<Result> {
  readonly shards: readonly JobQueue<Result>[];
  readonly #cursor: ShardCursor;

  constructor(shards: readonly JobQueue<Result>[]) {
    if (shards.length === 0) throw new Error('a queue has at least one shard');
    this.shards = shards;
    this.#cursor = new ShardCursor(shards.length);
  }

  /** Opens every shard of the queue named `queueName` (`queue.name`). */
  static open<Result = unknown>(
    queueName: string,
    shards: number,
    connection: ConnectionOptions,
  ): JobQueues<Result> {
    return new JobQueues(
      shardBullNames(queueName, shards).map((name) => new Queue<JobData, Result>(name, { connection })),
    );
  }

  /** Shard 0: the queue as it is with one shard; the fleet's keys share its hash tag. */
  get first(): JobQueue<Result> {
    return this.shards[0] as JobQueue<Result>;
  }

  /** Where a new job goes, and the id it gets there (with one shard, BullMQ's own unless given). */
  place(opts: JobsOptions = {}): { queue: JobQueue<Result>; opts: JobsOptions } {
    if (this.shards.length === 1) return { queue: this.first, opts };
    if (opts.jobId !== undefined) {
      const [home] = searchOrder(opts.jobId, this.shards.length);
      return { queue: this.shards[home ?? 0] as JobQueue<Result>, opts };
    }
    const shard = this.#cursor.next();
    return { queue: this.shards[shard] as JobQueue<Result>, opts: { ...opts, jobId: shardedJobId(shard) } };
  }

  async add(name: string, data: JobData, opts?: JobsOptions): Promise<Job<JobData, Result>> {
    const placed = await this.#placeKept(opts);
    return placed.queue.add(name, data, placed.opts);
  }

  /**
   * Adds jobs in one addBulk per shard (each atomic: a shard's keys are one slot on a cluster), and
   * returns them in the order given.
   */
  async addBulk(
    jobs: { name: string; data: JobData; opts?: BulkJobOptions }[],
  ): Promise<Job<JobData, Result>[]> {
    if (this.shards.length === 1) return this.first.addBulk(jobs);
    const byShard = new Map<JobQueue<Result>, { index: number; job: (typeof jobs)[number] }[]>();
    const placements = await Promise.all(jobs.map((job) => this.#placeKept(job.opts)));
    for (const [index, job] of jobs.entries()) {
      const placed = placements[index] as { queue: JobQueue<Result>; opts: JobsOptions };
      const list = byShard.get(placed.queue) ?? [];
      list.push({ index, job: { ...job, opts: placed.opts } });
      byShard.set(placed.queue, list);
    }
    const added: Job<JobData, Result>[] = new Array(jobs.length);
    await Promise.all(
      [...byShard].map(async ([queue, list]) => {
        const result = await queue.addBulk(list.map((entry) => entry.job));
        for (const [position, job] of result.entries()) added[list[position]?.index ?? 0] = job;
      }),
    );
    return added;
  }

  /**
   * Where a job goes, kept where it already is: a job with a given id (an idempotency key's) that
   * some shard already holds is added there, which BullMQ answers with the existing job, so it is
   * never added twice after `queue.shards` changed its home.
   */
  async #placeKept(opts: JobsOptions = {}): Promise<{ queue: JobQueue<Result>; opts: JobsOptions }> {
    const placed = this.place(opts);
    if (this.shards.length === 1 || opts.jobId === undefined) return placed;
    return { queue: (await this.locate(opts.jobId)) ?? placed.queue, opts };
  }

  /** The shard that holds the job, or undefined when none does (with one shard: that shard, unread). */
  locate(id: string): Promise<JobQueue<Result> | undefined> {
    return locateShard(this.shards, id);
  }

  async getJob(id: string): Promise<Job<JobData, Result> | undefined> {
    return (await this.locate(id))?.getJob(id);
  }

  /** The shards' counts, summed. */
  async getJobCounts(...types: JobType[]): Promise<Count> {
    const counts = await Promise.all(this.shards.map((queue) => queue.getJobCounts(...types)));
    const total: Count = {};
    for (const count of counts) {
      for (const [type, value] of Object.entries(count)) total[type] = (total[type] ?? 0) + value;
    }
    return total;
  }

  on(event: 'error', listener: (error: Error) => void): void {
    for (const queue of this.shards) queue.on(event, listener);
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.shards.map((queue) => queue.waitUntilReady()));
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((queue) => queue.close()));
  }
}

import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { directClient, startRedisServer } from './redis-server.js';

const run = promisify(execFile);

/** One redis-server of a local cluster. */
export interface ClusterNode {
  readonly port: number;
  readonly process: ChildProcess;
  readonly dir: string;
}

export interface LocalClusterOptions {
  /** Masters; each gets one replica. @defaultValue 3 */
  masters?: number;
  /**
   * How long a master may not answer before its replica takes over (`cluster-node-timeout`).
   * @defaultValue 2000
   */
  nodeTimeoutMs?: number;
}

/**
 * A real Redis Cluster on loopback: 3 masters and 3 replicas (`redis-server --cluster-enabled yes`,
 * each on a free port in a temp dir of its own, no persistence), joined with
 * `redis-cli --cluster create … --cluster-replicas 1`. For tests; `stop()` kills every node.
 */
export class LocalRedisCluster {
  readonly nodes: ClusterNode[] = [];
  readonly #options: Required<LocalClusterOptions>;

  constructor(options: LocalClusterOptions = {}) {
    this.#options = { masters: 3, nodeTimeoutMs: 2_000, ...options };
  }

  /** The seed list, as REDIS_CLUSTER_NODES takes it. */
  get seeds(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  async start(): Promise<this> {
    // A test process that dies without stop() still takes its cluster with it.
    process.once('exit', this.#killAll);
    try {
      const count = this.#options.masters * 2;
      for (let i = 0; i < count; i++) this.nodes.push(await this.#startNode());
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...this.nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
      await this.waitUntilHealthy();
      return this;
    } catch (error) {
      // A cluster that did not come up leaves no node running behind the failed test.
      await this.stop();
      throw error;
    }
  }

  /**
   * Until every live node says `cluster_state:ok` and knows all 16384 slots, and every live replica
   * has finished its sync with its master (`master_link_status:up`).
   */
  async waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const live = () => this.nodes.filter(isAlive);
    for (;;) {
      const infos = await Promise.all(
        live().map(async (node) => `${await clusterInfo(node.port)}\n${await replicationInfo(node.port)}`),
      );
      const healthy = (info: string) =>
        /cluster_state:ok/.test(info) &&
        /cluster_slots_ok:16384/.test(info) &&
        (/role:master/.test(info) || /master_link_status:up/.test(info));
      if (infos.every(healthy)) return;
      if (Date.now() > deadline) throw new Error(`cluster not healthy:\n${infos.join('\n---\n')}`);
      await delay(200);
    }
  }

  /** The node serving `port`'s role now, from its INFO replication. */
  async role(port: number): Promise<'master' | 'slave'> {
    const client = directClient(port);
    try {
      const info = await client.info('replication');
      return /role:master/.test(info) ? 'master' : 'slave';
    } finally {
      client.disconnect();
    }
  }

  /** The ports of the current masters. */
  async masters(): Promise<number[]> {
    const alive = this.nodes.filter(isAlive);
    const roles = await Promise.all(
      alive.map(async (node) => [node.port, await this.role(node.port)] as const),
    );
    return roles.filter(([, role]) => role === 'master').map(([port]) => port);
  }

  /** The port of the master serving `key`'s slot now. */
  async masterOf(key: string): Promise<number> {
    const alive = this.nodes.find(isAlive);
    if (!alive) throw new Error('no node alive');
    const client = directClient(alive.port);
    try {
      const slot = (await client.cluster('KEYSLOT', key)) as number;
      const ranges = await client.cluster('SLOTS');
      const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
      if (!master) throw new Error(`no master serves slot ${slot}`);
      return master[1];
    } finally {
      client.disconnect();
    }
  }

  /**
   * What each node says of the cluster now, for a failed test's message: its port, whether it is
   * alive, its `cluster_state`, and the first live node's `CLUSTER NODES` (who serves which slots,
   * who is marked failed).
   */
  async describe(): Promise<string> {
    const lines = await Promise.all(
      this.nodes.map(async (node) => {
        if (!isAlive(node)) return `${node.port}: dead`;
        const state = /cluster_state:(\w+)/.exec(await clusterInfo(node.port))?.[1] ?? 'no answer';
        return `${node.port}: cluster_state ${state}\n${failoverLog(node.dir)}`;
      }),
    );
    const alive = this.nodes.find(isAlive);
    if (alive) lines.push(await ask(alive.port, (client) => client.cluster('NODES')));
    return lines.join('\n');
  }

  /** SIGKILLs the node on `port` and resolves once it is gone. */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (!node || !isAlive(node)) return;
    const exited = new Promise<void>((resolve) => node.process.once('exit', () => resolve()));
    node.process.kill('SIGKILL');
    await exited;
  }

  readonly #killAll = () => {
    for (const node of this.nodes) node.process.kill('SIGKILL');
  };

  async stop(): Promise<void> {
    process.removeListener('exit', this.#killAll);
    await Promise.all(this.nodes.map((node) => this.kill(node.port)));
    for (const node of this.nodes) rmSync(node.dir, { recursive: true, force: true });
  }

  async #startNode(): Promise<ClusterNode> {
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-cluster-'));
    const started = await startRedisServer([
      '--dir',
      dir,
      // Kept for a failed test's message: the node's view of failures and elections.
      '--logfile',
      'redis.log',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      String(this.#options.nodeTimeoutMs),
      // A replica takes over however long its link to the master was down (a test kills masters
      // on a busy machine; the default gives up on a replica that looks stale).
      '--cluster-replica-validity-factor',
      '0',
      '--maxmemory-policy',
      'noeviction',
    ]);
    return { port: started.port, process: started.process, dir };
  }
}

/** The last lines of a node's log about failures, elections and promotions, indented. */
function failoverLog(dir: string): string {
  let log = '';
  try {
    log = readFileSync(join(dir, 'redis.log'), 'utf8');
  } catch {
    return '    (no log)';
  }
  return log
    .split('\n')
    .filter((line) => /fail|elect|promot|vote|master/i.test(line) && !line.includes('WARNING'))
    .slice(-8)
    .map((line) => `    ${line}`)
    .join('\n');
}

/** A node's answer to one question on a connection of its own, or what kept it from answering. */
async function ask(port: number, question: (client: Redis) => Promise<unknown>): Promise<string> {
  const client = directClient(port);
  try {
    await client.connect();
    return String(await question(client));
  } catch (error) {
    return `port ${port}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    client.disconnect();
  }
}

const clusterInfo = (port: number) => ask(port, (client) => client.cluster('INFO'));
const replicationInfo = (port: number) => ask(port, (client) => client.info('replication'));

/** Whether the node's process still runs (neither exited nor killed by a signal). */
function isAlive(node: ClusterNode): boolean {
  return node.process.exitCode === null && node.process.signalCode === null;
}

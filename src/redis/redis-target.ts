/**
 * Where Breakwater's Redis is, parsed once from its address: one server (`redis://` or `rediss://`,
 * REDIS_URL) or a cluster's seed nodes (`redis+cluster://[user:pass@]host:port,host:port`, which
 * REDIS_CLUSTER_NODES becomes; `rediss+cluster://` for TLS).
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'cluster';
      nodes: readonly { host: string; port: number }[];
      username: string | undefined;
      password: string | undefined;
      tls: boolean;
    };

const clusterSchemes: Record<string, boolean> = { 'redis+cluster:': false, 'rediss+cluster:': true };

/** Throws an Error naming what is wrong with the address (it never contains the password). */
export function parseRedisTarget(address: string): RedisTarget {
  const scheme = address.slice(0, address.indexOf('//'));
  const tls = clusterSchemes[scheme];
  if (tls === undefined) return { kind: 'single', url: address };
  const rest = address.slice(scheme.length + 2);
  const at = rest.lastIndexOf('@');
  const auth = at === -1 ? '' : rest.slice(0, at);
  const hosts = (at === -1 ? rest : rest.slice(at + 1)).replace(/\/$/, '');
  const colon = auth.indexOf(':');
  const username = colon === -1 ? auth : auth.slice(0, colon);
  const password = colon === -1 ? '' : auth.slice(colon + 1);
  const nodes = hosts.split(',').map((node) => {
    const match = /^([^:\s]+):(\d{1,5})$/.exec(node.trim());
    if (!match) throw new Error(`cluster node "${node.trim()}" is not host:port`);
    return { host: match[1] as string, port: Number(match[2]) };
  });
  return {
    kind: 'cluster',
    nodes,
    username: username ? decodeURIComponent(username) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
    tls,
  };
}

/**
 * The address for REDIS_CLUSTER_NODES (`host:port,host:port`, or each as a `redis://` or
 * `rediss://user:pass@host:port` URL, whose scheme and credentials the first node gives).
 */
export function clusterAddress(nodes: string): string {
  const entries = nodes
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('REDIS_CLUSTER_NODES names no node; give host:port,host:port');
  let scheme = 'redis+cluster://';
  let auth = '';
  const hosts = entries.map((entry, index) => {
    if (!entry.includes('://')) return entry;
    const url = new URL(entry);
    if (index === 0) {
      if (url.protocol === 'rediss:') scheme = 'rediss+cluster://';
      if (url.username || url.password) auth = `${url.username}${url.password ? `:${url.password}` : ''}@`;
    }
    return `${url.hostname}:${url.port || 6379}`;
  });
  return `${scheme}${auth}${hosts.join(',')}`;
}

/** The address without its password, for messages and logs. */
export function displayTarget(target: RedisTarget): string {
  if (target.kind === 'single') return target.url;
  const auth =
    target.username || target.password ? `${target.username ?? ''}${target.password ? ':***' : ''}@` : '';
  const hosts = target.nodes.map((node) => `${node.host}:${node.port}`).join(',');
  return `${target.tls ? 'rediss' : 'redis'}+cluster://${auth}${hosts}`;
}

/** One `redis://` URL per server the target names (credentials and TLS kept). */
export function nodeUrls(target: RedisTarget): string[] {
  if (target.kind === 'single') return [target.url];
  const auth =
    target.username || target.password
      ? `${encodeURIComponent(target.username ?? '')}${target.password ? `:${encodeURIComponent(target.password)}` : ''}@`
      : '';
  return target.nodes.map((node) => `${target.tls ? 'rediss' : 'redis'}://${auth}${node.host}:${node.port}`);
}

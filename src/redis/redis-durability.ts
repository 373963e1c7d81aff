import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { connectionOptions } from './connection.js';
import { nodeUrls, parseRedisTarget } from './redis-target.js';

/** What a Redis server risks losing, read from its CONFIG. */
export type DurabilityFinding =
  | { kind: 'eviction'; policy: string }
  | { kind: 'no-persistence' }
  /** CONFIG GET is refused (managed Redis): the settings could not be checked. */
  | { kind: 'unknown'; reason: string };

/**
 * Reads maxmemory-policy, appendonly and save of the server, or of each seed node of a cluster
 * (each finding once). Never throws: an unreadable config is a finding.
 */
export async function checkRedisDurability(address: string, timeoutMs = 3_000): Promise<DurabilityFinding[]> {
  let urls: string[];
  try {
    urls = nodeUrls(parseRedisTarget(address));
  } catch (error) {
    return [{ kind: 'unknown', reason: error instanceof Error ? error.message : String(error) }];
  }
  const findings = (await Promise.all(urls.map((url) => checkServer(url, timeoutMs)))).flat();
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = JSON.stringify(finding);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function checkServer(url: string, timeoutMs: number): Promise<DurabilityFinding[]> {
  const client = new Redis({
    ...connectionOptions(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const [policy, appendonly, save] = await Promise.all(
      ['maxmemory-policy', 'appendonly', 'save'].map(
        async (name) => ((await client.config('GET', name)) as string[])[1] ?? '',
      ),
    );
    return durabilityFindings({ policy: policy ?? '', appendonly: appendonly ?? '', save: save ?? '' });
  } catch (error) {
    return [{ kind: 'unknown', reason: error instanceof Error ? error.message : String(error) }];
  } finally {
    client.disconnect();
  }
}

export function durabilityFindings(settings: {
  policy: string;
  appendonly: string;
  save: string;
}): DurabilityFinding[] {
  const findings: DurabilityFinding[] = [];
  if (settings.policy !== 'noeviction') findings.push({ kind: 'eviction', policy: settings.policy });
  if (settings.appendonly !== 'yes' && settings.save.trim() === '') findings.push({ kind: 'no-persistence' });
  return findings;
}

/** One warning line per finding, with the fix. */
export function durabilityWarning(finding: DurabilityFinding): string {
  switch (finding.kind) {
    case 'eviction':
      return `Redis maxmemory-policy is ${finding.policy}: under memory pressure it deletes queue keys, which loses jobs; set maxmemory-policy noeviction`;
    case 'no-persistence':
      return 'Redis persistence is off (no AOF, no RDB save): a Redis restart loses every queued job; set appendonly yes';
    case 'unknown':
      return `could not read the Redis config to check eviction and persistence (${finding.reason}); make sure maxmemory-policy is noeviction and appendonly is yes`;
    default:
      throw new Error(`unknown finding ${JSON.stringify(finding satisfies never)}`);
  }
}

/** At startup: one warning per way this Redis could lose jobs (eviction, no persistence). */
export async function warnIfRedisNotDurable(
  url: string,
  logger: Pick<Logger, 'warn'>,
  check: (url: string) => Promise<DurabilityFinding[]> = checkRedisDurability,
): Promise<DurabilityFinding[]> {
  const findings = await check(url);
  for (const finding of findings) logger.warn({ redis: finding }, durabilityWarning(finding));
  return findings;
}

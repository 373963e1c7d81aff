import type { BreakerEvent, ProviderStatus } from '../contract/index.js';
import { alignedTable } from './aligned-table.js';

/**
 * Providers as an aligned text table: name, type, breaker state, capacity under its limits, when an
 * open breaker admits a probe, and why.
 */
export function providersTable(providers: readonly ProviderStatus[]): string {
  const rows = [
    ['PROVIDER', 'TYPE', 'STATE', 'CAPACITY', 'NEXT PROBE', 'REASON'],
    ...providers.map((provider) => [
      provider.name,
      provider.type,
      provider.state,
      provider.limits?.capacity ?? '',
      provider.nextProbeAt ?? '',
      provider.reason ?? provider.limits?.buckets.find((bucket) => bucket.blockReason)?.blockReason ?? '',
    ]),
  ];
  return alignedTable(rows);
}

/** One breaker change as a line: when, which provider, its new state, until when, why, and who. */
export function breakerLine(event: BreakerEvent): string {
  return [
    event.at,
    event.provider,
    event.state,
    event.until ? `until ${event.until}` : '',
    event.reason ?? '',
    event.manual ? `(by ${event.manual.by})` : `(${event.worker})`,
  ]
    .filter((part) => part !== '')
    .join('  ');
}

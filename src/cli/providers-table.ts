import type { ProviderStatus } from '../http/schemas.js';

/** Providers as an aligned text table: name, type, state, and when an open breaker admits a probe. */
export function providersTable(providers: readonly ProviderStatus[]): string {
  const rows = [
    ['PROVIDER', 'TYPE', 'STATE', 'NEXT PROBE', 'REASON'],
    ...providers.map((provider) => [
      provider.name,
      provider.type,
      provider.state,
      provider.nextProbeAt ?? '',
      provider.reason ?? '',
    ]),
  ];
  const widths =
    rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

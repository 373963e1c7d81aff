import type { ProviderConfig, WireFormat } from './schema.js';

/** The batch wire formats Breakwater speaks. */
export const batchWires: readonly WireFormat[] = ['openai', 'anthropic', 'google'];

/** The batch wire format a provider's batch entries use; undefined when it has none. */
export function batchWireOf(
  provider: ProviderConfig | { type: WireFormat; batch: ProviderConfig['batch'] },
): WireFormat | undefined {
  switch (provider.type) {
    case 'openai-compatible':
      return provider.batch.wire;
    case 'simulated':
      return provider.wire;
    default:
      return provider.type;
  }
}

/** Why a chain entry may not say `batch: true` on this provider; undefined when it may. */
export function batchEntryProblem(
  name: string,
  provider: ProviderConfig | { type: WireFormat; batch: ProviderConfig['batch'] },
): string | undefined {
  const wire = batchWireOf(provider);
  if (wire === undefined) {
    return `provider "${name}" has no batch API: declare providers.${name}.batch.wire (openai) if it speaks OpenAI's, or remove batch from this entry`;
  }
  if (!batchWires.includes(wire)) {
    return `batch entries on ${wire}-wire providers are not supported yet (supported: ${batchWires.join(', ')}); remove batch from this entry`;
  }
  return undefined;
}

/** The wire formats the simulator speaks. */
export type SimulatedWire = 'openai' | 'anthropic' | 'google';

/**
 * The simulator's one path rule: each simulated provider has its own root under the simulator's,
 * with the version path its real provider uses (`/<provider>/v1`, Gemini's `/<provider>/v1beta`), so
 * an AI SDK provider pointed at it sends the requests it sends the real one. Imports nothing, so the
 * config can resolve simulated providers without loading the simulator.
 */
export function simulatedBaseURL(root: string, provider: string, wire: SimulatedWire): string {
  return `${root.replace(/\/+$/, '')}/${encodeURIComponent(provider)}/${wire === 'google' ? 'v1beta' : 'v1'}`;
}

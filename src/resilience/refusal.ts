/** Why a call got no capacity, as the walk records it on an attempt. */
export type RefusalClass = 'rate-limit' | 'concurrency' | 'budget' | 'quota';

/**
 * A call that admission refused (or a provider's 429 or spent quota): until when, why (for people),
 * and where its wait slot is taken, so jobs waiting for the same limit come back one after another.
 */
export interface Refusal {
  errorClass: RefusalClass;
  /** The earliest the call may be admitted (epoch ms). */
  until: number;
  reason: string;
  /** The limit's key whose wait slots spread waiting jobs, and the time between two slots. */
  slot: { key: string; spacing: number } | undefined;
}

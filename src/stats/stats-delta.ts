/** Call latency buckets, in seconds (the histogram's `le` bounds; +Inf is implied). */
export const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

/** A counter's address in the stats hash: provider, model ('' for the provider as a whole), name. */
export type StatsField = readonly [provider: string, model: string, name: string];

/** Keys made so far, by provider, model and name: every job counts the same few fields. */
const keys = new Map<string, Map<string, Map<string, string>>>();
/** Beyond this many keys the memo starts again (fields come from bounded sets; a safety net). */
const maxKeys = 10_000;
let keyCount = 0;

/** A field's key in the stats hash (its JSON), made once per field: stringifying each count was most of its cost. */
export function fieldKey(field: StatsField): string {
  const [provider, model, name] = field;
  let byModel = keys.get(provider);
  let byName = byModel?.get(model);
  const known = byName?.get(name);
  if (known !== undefined) return known;
  const key = JSON.stringify(field);
  if (keyCount >= maxKeys) {
    keys.clear();
    keyCount = 0;
    byModel = undefined;
    byName = undefined;
  }
  if (!byModel) {
    byModel = new Map();
    keys.set(provider, byModel);
  }
  if (!byName) {
    byName = new Map();
    byModel.set(model, byName);
  }
  byName.set(name, key);
  keyCount += 1;
  return key;
}

export function parseFieldKey(key: string): StatsField | undefined {
  try {
    const value: unknown = JSON.parse(key);
    if (Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === 'string')) {
      return [value[0], value[1], value[2]];
    }
  } catch {
    // not one of ours
  }
  return undefined;
}

/** Counts gathered in memory between two flushes; integers and floats are kept apart (HINCRBY vs HINCRBYFLOAT). */
export class StatsDelta {
  readonly counts = new Map<string, number>();
  readonly amounts = new Map<string, number>();
  /** Per provider: calls and failed calls, for the recent failure rate. */
  readonly recent = new Map<string, { calls: number; failures: number }>();

  count(field: StatsField, by = 1): void {
    const key = fieldKey(field);
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  add(field: StatsField, amount: number): void {
    const key = fieldKey(field);
    this.amounts.set(key, (this.amounts.get(key) ?? 0) + amount);
  }

  call(provider: string, failed: boolean): void {
    const recent = this.recent.get(provider) ?? { calls: 0, failures: 0 };
    recent.calls += 1;
    if (failed) recent.failures += 1;
    this.recent.set(provider, recent);
  }

  /** Adds another delta's counts into this one (a flush that failed is kept for the next). */
  merge(other: StatsDelta): void {
    for (const [key, by] of other.counts) this.counts.set(key, (this.counts.get(key) ?? 0) + by);
    for (const [key, amount] of other.amounts) this.amounts.set(key, (this.amounts.get(key) ?? 0) + amount);
    for (const [provider, recent] of other.recent) {
      const mine = this.recent.get(provider) ?? { calls: 0, failures: 0 };
      this.recent.set(provider, {
        calls: mine.calls + recent.calls,
        failures: mine.failures + recent.failures,
      });
    }
  }

  get empty(): boolean {
    return this.counts.size === 0 && this.amounts.size === 0 && this.recent.size === 0;
  }
}

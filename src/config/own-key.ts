/**
 * A record's own entry for a key that came from outside (a job's route, a provider name, a model),
 * or undefined. Plain indexing would find `constructor`, `toString` or `__proto__` on every object.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

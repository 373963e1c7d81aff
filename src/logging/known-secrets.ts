/**
 * Every secret value this process holds (provider keys, the API token), so text that leaves the
 * process — log lines, stored failure reasons — can be scrubbed of them even when a provider or a
 * library echoes one back in a message. Values shorter than `minLength` are not tracked: scrubbing
 * them would mangle ordinary text.
 */
export class KnownSecrets {
  readonly #values = new Set<string>();
  /** Longest first, so a secret that contains another is replaced whole. */
  #ordered: string[] = [];

  constructor(private readonly minLength = 8) {}

  add(value: string | undefined): void {
    if (value === undefined || value.length < this.minLength) return;
    this.#values.add(value);
    // Log lines are JSON: a value with quotes, backslashes or control characters appears escaped.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.#values.add(escaped);
    this.#ordered = [...this.#values].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#values.size;
  }

  /** The text with every known secret (and the given extra ones) replaced by `[redacted]`. */
  scrub(text: string, extra: readonly string[] = []): string {
    let clean = text;
    for (const secret of this.#ordered) {
      if (clean.includes(secret)) clean = clean.split(secret).join('[redacted]');
    }
    for (const secret of extra) {
      if (secret.length >= 4 && clean.includes(secret)) clean = clean.split(secret).join('[redacted]');
    }
    return clean;
  }
}

/** The process's secrets: provider keys register when read from the environment, the token likewise. */
export const knownSecrets = new KnownSecrets();

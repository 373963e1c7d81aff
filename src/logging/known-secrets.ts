/**
 * Every secret value this process holds (provider keys, the API token), so text that leaves the
 * process — log lines, stored failure reasons — can be scrubbed of them even when a provider or a
 * library echoes one back in a message. Values shorter than `minLength` are not tracked: scrubbing
 * them would mangle ordinary text.
 */
export class KnownSecrets {
  readonly #values = new Set<string>();

  constructor(private readonly minLength = 8) {}

  add(value: string | undefined): void {
    if (value !== undefined && value.length >= this.minLength) this.#values.add(value);
  }

  get size(): number {
    return this.#values.size;
  }

  /** The text with every known secret (and the given extra ones) replaced by `[redacted]`. */
  scrub(text: string, extra: readonly string[] = []): string {
    let clean = text;
    for (const secret of this.#values) {
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

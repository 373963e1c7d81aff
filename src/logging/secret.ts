import { inspect } from 'node:util';
import { knownSecrets } from './known-secrets.js';

/**
 * A provider key or token. It prints, logs and serialises as `[redacted]`: the only way to the
 * value is `reveal()`, called where the key goes into an HTTP header. Creating one registers the value
 * with `knownSecrets`, so logs and stored error messages are scrubbed of it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    knownSecrets.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** Whether one more connection fits: with the function that frees its place, or which cap it hit. */
export type Admission =
  | { kind: 'admitted'; release: () => void }
  | { kind: 'server-full' }
  | { kind: 'client-full' };

/** Open connections, in total and per client, each under its cap. */
export class ConnectionQuota {
  readonly #byClient = new Map<string, number>();
  #total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerClient: number,
  ) {}

  /** Reserves a place for a connection from this client; releasing it twice frees one place. */
  admit(client: string): Admission {
    const mine = this.#byClient.get(client) ?? 0;
    if (this.#total >= this.maxTotal) return { kind: 'server-full' };
    if (mine >= this.maxPerClient) return { kind: 'client-full' };
    this.#total += 1;
    this.#byClient.set(client, mine + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#byClient.get(client) ?? 1) - 1;
      if (left > 0) this.#byClient.set(client, left);
      else this.#byClient.delete(client);
    };
    return { kind: 'admitted', release };
  }

  get total(): number {
    return this.#total;
  }
}

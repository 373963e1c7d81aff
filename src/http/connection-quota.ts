/** Open connections in total and per client, each with its cap; `admit` reserves, the release frees. */
export class ConnectionQuota {
  readonly #byClient = new Map<string, number>();
  #total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerClient: number,
  ) {}

  /** A release function when there is room for one more connection from this client, else undefined. */
  admit(client: string): (() => void) | undefined {
    const mine = this.#byClient.get(client) ?? 0;
    if (this.#total >= this.maxTotal || mine >= this.maxPerClient) return undefined;
    this.#total += 1;
    this.#byClient.set(client, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#byClient.get(client) ?? 1) - 1;
      if (left > 0) this.#byClient.set(client, left);
      else this.#byClient.delete(client);
    };
  }

  get total(): number {
    return this.#total;
  }
}

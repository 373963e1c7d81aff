/**
 * Shares round trips among requests that meet in the same moment: a request goes at once while fewer
 * than `maxInFlight` batches are out; otherwise it waits, and the requests that wait go together in
 * the next batch. `send` answers a batch with one result per item, in order, or throws, failing every
 * item of that batch.
 */
export class RoundTripBatcher<In, Out> {
  #waiting: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  #inFlight = 0;

  constructor(
    private readonly send: (items: readonly In[]) => Promise<readonly Out[]>,
    private readonly options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {}

  request(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#inFlight < (this.options.maxInFlight ?? 1)) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#inFlight += 1;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.options.maxBatch ?? 256);
        try {
          const outs = await this.send(batch.map((waiting) => waiting.item));
          for (const [index, waiting] of batch.entries()) {
            if (index < outs.length) waiting.resolve(outs[index] as Out);
            else {
              waiting.reject(
                new Error(`a batch of ${batch.length} was answered with ${outs.length} results`),
              );
            }
          }
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#inFlight -= 1;
    }
  }
}

/**
 * Shares round trips among requests that meet in the same moment: a lone request goes at once; while
 * one batch is in flight, the requests that arrive wait and go together in the next. `send` answers
 * a batch with one result per item, in order, or throws, failing every item of that batch.
 */
export class RoundTripBatcher<In, Out> {
  #waiting: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  #sending = false;

  constructor(
    private readonly send: (items: readonly In[]) => Promise<readonly Out[]>,
    private readonly maxBatch = 256,
  ) {}

  request(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#sending) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.maxBatch);
        try {
          const outs = await this.send(batch.map((waiting) => waiting.item));
          for (const [index, waiting] of batch.entries()) {
            const out = outs[index];
            if (index < outs.length) waiting.resolve(out as Out);
            else
              waiting.reject(
                new Error(`a batch of ${batch.length} was answered with ${outs.length} results`),
              );
          }
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#sending = false;
    }
  }
}

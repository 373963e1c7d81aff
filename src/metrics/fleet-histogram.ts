import { Histogram } from 'prom-client';
import { latencyBuckets } from '../stats/stats-delta.js';
import type { ModelStats } from '../stats/stats-store.js';

type Labels = 'provider' | 'model' | 'le';
const histogramName = 'breakwater_provider_call_duration_seconds';
const help = 'Latency of provider calls (every worker), by provider and model.';
type Values = Awaited<ReturnType<Histogram<Labels>['get']>>;

/**
 * The call latency histogram, fleet-wide: its buckets are the totals the workers keep in Redis,
 * read at scrape time, rather than observations made in this process.
 */
export class FleetLatencyHistogram extends Histogram<Labels> {
  readonly #read: () => Promise<readonly ModelStats[]>;
  /** Never observed: it only supplies the metric's name, help and type in prom-client's shape. */
  readonly #shape: Histogram<Labels>;

  constructor(read: () => Promise<readonly ModelStats[]>) {
    const settings = {
      name: histogramName,
      help,
      labelNames: ['provider', 'model'] as Labels[],
      buckets: [...latencyBuckets],
      registers: [],
    };
    super(settings);
    this.#shape = new Histogram(settings);
    this.#read = read;
  }

  override get(): Promise<Values> {
    return this.getForPromString();
  }

  /** What the registry formats (prom-client asks histograms for this rather than `get`). */
  async getForPromString(): Promise<Values> {
    const values: Values['values'] = [];
    for (const model of await this.#read()) {
      const labels = { provider: model.provider, model: model.model };
      let cumulative = 0;
      latencyBuckets.forEach((bound, index) => {
        cumulative += model.latencyBuckets[index] ?? 0;
        values.push({
          labels: { ...labels, le: bound },
          value: cumulative,
          metricName: `${histogramName}_bucket`,
        });
      });
      cumulative += model.latencyBuckets[latencyBuckets.length] ?? 0;
      values.push({
        labels: { ...labels, le: '+Inf' },
        value: cumulative,
        metricName: `${histogramName}_bucket`,
      });
      values.push({ labels, value: model.latencySumSeconds, metricName: `${histogramName}_sum` });
      values.push({ labels, value: cumulative, metricName: `${histogramName}_count` });
    }
    return { ...(await this.#shape.get()), values };
  }
}

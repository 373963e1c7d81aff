import type { BreakwaterKeys } from '../redis/breakwater-keys.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { PlannedStep } from './validate-flow.js';

/** A step's place in its flow: what the tree view walks, in the order it was submitted. */
export interface StepShape {
  id: string;
  optional?: true;
  children: StepShape[];
}

/** What a flow keeps beside its jobs: its name and the shape of its tree. */
export interface FlowRecord {
  name?: string;
  createdAt: number;
  root: StepShape;
}

/** As long as a failed job is kept (removeOnFail), so the tree outlives none of its steps. */
const flowRecordTtlSeconds = 30 * 24 * 3600;

export function shapeOf(step: PlannedStep): StepShape {
  return {
    id: step.id,
    ...(step.optional ? { optional: true as const } : {}),
    children: step.children.map(shapeOf),
  };
}

export class FlowStore {
  constructor(private readonly options: { redis: RedisClient; keys: BreakwaterKeys }) {}

  async write(flowId: string, record: FlowRecord): Promise<void> {
    await this.options.redis.set(
      this.options.keys.flow(flowId),
      JSON.stringify(record),
      'EX',
      flowRecordTtlSeconds,
    );
  }

  async read(flowId: string): Promise<FlowRecord | undefined> {
    const raw = await this.options.redis.get(this.options.keys.flow(flowId));
    return raw === null ? undefined : (JSON.parse(raw) as FlowRecord);
  }
}

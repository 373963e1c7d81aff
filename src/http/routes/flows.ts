import type { FlowProducer } from 'bullmq';
import { Router } from 'express';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { FleetStore } from '../../fleet/fleet-store.js';
import { enqueueFlow } from '../../flows/enqueue-flow.js';
import { flowIdPattern } from '../../flows/flow-ids.js';
import type { FlowStore } from '../../flows/flow-record.js';
import type { JobQueues } from '../../queue/job-queues.js';
import type { SubmitCheck } from '../../queue/producer.js';
import { homeShard, shardBullName } from '../../queue/shards.js';
import type { JobResult } from '../../worker/job-result.js';
import { flowStatus } from '../flow-status.js';
import { HttpError } from '../http-error.js';

export interface FlowRoutesOptions {
  queues: JobQueues<JobResult>;
  config: BreakwaterConfig;
  producer: FlowProducer;
  store: FlowStore;
  fleet?: Pick<FleetStore, 'read'>;
  /** The checks a job gets when submitted (its webhook's address), run on every step. */
  check?: SubmitCheck;
}

/** POST /v1/flows and GET /v1/flows/:id. */
export function flowRoutes({ queues, config, producer, store, fleet, check }: FlowRoutesOptions): Router {
  const router = Router();
  const shut = fleet ? { config, records: () => fleet.read() } : undefined;

  router.post('/flows', async (request, response) => {
    const accepted = await enqueueFlow(request.body, {
      flows: producer,
      store,
      // A flow's steps are one BullMQ flow, in one queue: the shard its id belongs on.
      queueOf: (flowId) => shardBullName(config.queue.name, homeShard(flowId, config.queue.shards)),
      config,
      ...(check ? { check } : {}),
    });
    response.status(202).json(accepted);
  });

  router.get('/flows/:id', async (request, response) => {
    const { id } = request.params;
    const view = flowIdPattern.test(id) ? await flowStatus(queues, store, id, shut) : undefined;
    if (!view) throw new HttpError(404, 'not-found', `no flow ${id}`);
    response.json(view);
  });

  return router;
}

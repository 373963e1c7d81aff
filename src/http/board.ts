import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { type Express, type RequestHandler, Router } from 'express';
import type { BoardConfig } from '../config/schema.js';
import { queueNameOfBull } from '../queue/bullmq-internals.js';
import { shardDisplayName } from '../queue/shards.js';

export const boardPath = '/admin/queues';

/**
 * Bull Board for the queue (one entry per shard), mounted at /admin/queues; deferrals show in each job's log. The webhook
 * deliveries' queue and the provider batches' queue, when given, are shown beside it (the batches'
 * read-only: the batch records drive it).
 */
export function boardRouter(
  queueName: string,
  shards: readonly Queue[],
  config: BoardConfig,
  webhooks?: Queue,
  batchQueue?: Queue,
): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(boardPath);
  createBullBoard({
    queues: [
      ...shards.map(
        (shard, index) =>
          new BullMQAdapter(shard, {
            readOnlyMode: config.readOnly,
            description: 'Breakwater AI jobs',
            // BullMQ's name carries the queue's cluster hash tag ({breakwater}); people know it as
            // breakwater, and a shard as a part of it.
            displayName: shardDisplayName(queueName, index, shards.length),
          }),
      ),
      ...(webhooks
        ? [
            new BullMQAdapter(webhooks, {
              readOnlyMode: config.readOnly,
              description: 'Webhook deliveries: one per job end, each attempt in its log',
            }),
          ]
        : []),
      ...(batchQueue
        ? [
            new BullMQAdapter(batchQueue, {
              readOnlyMode: true,
              displayName: queueNameOfBull(batchQueue.name),
              description:
                'Provider batches: one job per batch, its story in its log, the batch as its result',
            }),
          ]
        : []),
    ],
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'Breakwater', miscLinks: [{ text: 'Providers', url: '/admin/providers' }] },
    },
  });
  const board = serverAdapter.getRouter() as Express;
  // Bull Board brings its own Express app, which would announce itself on every response.
  board.disable('x-powered-by');
  const router = Router();
  router.use(withPanelLink);
  router.use(board);
  return router;
}

/**
 * Bull Board's own menu hides its links behind a button; the provider panel is what a newcomer
 * looks for beside the queue, so every board page also carries a link to it in plain sight.
 */
export const panelLinkHtml =
  '<a id="breakwater-provider-panel" href="/admin/providers" style="position:fixed;right:1rem;bottom:1rem;z-index:1000;' +
  'padding:0.4rem 0.8rem;border-radius:6px;background:#1d2733;color:#fff;font:14px system-ui,sans-serif;text-decoration:none">' +
  'Provider panel: breakers, reasons, next probes →</a>';

const withPanelLink: RequestHandler = (_request, response, next) => {
  const render = response.render.bind(response);
  response.render = ((view: string, options?: object) =>
    render(view, options ?? {}, (error: Error | null, html: string) => {
      if (error) return next(error);
      response.send(html.replace('</body>', `${panelLinkHtml}</body>`));
    })) as typeof response.render;
  next();
};

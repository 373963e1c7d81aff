import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, Router } from 'express';
import type { BoardConfig } from '../config/schema.js';

export const boardPath = '/admin/queues';

/** Bull Board for the queue, mounted at /admin/queues; deferrals show in each job's log. */
export function boardRouter(queue: Queue, config: BoardConfig): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(boardPath);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: config.readOnly, description: 'Breakwater AI jobs' })],
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'Breakwater', miscLinks: [{ text: 'Providers', url: '/admin/providers' }] },
    },
  });
  const board = serverAdapter.getRouter() as Express;
  // Bull Board brings its own Express app, which would announce itself on every response.
  board.disable('x-powered-by');
  return board;
}

import express, { Router } from 'express';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { FleetStore } from '../../fleet/fleet-store.js';
import type { Logger } from '../../logging/logger.js';
import { readSnapshot, type SnapshotReaders } from '../../stats/read-snapshot.js';
import { statsReport } from '../../stats/stats-report.js';
import { issueTicket } from '../event-ticket.js';
import { HttpError } from '../http-error.js';
import { requireJson } from '../require-json.js';
import { providerRoutes } from '../routes/providers.js';
import { panelPage } from './panel-page.js';

export const panelPath = '/admin/providers';

export interface PanelOptions extends SnapshotReaders {
  fleet: FleetStore;
  token: string | undefined;
  logger: Logger;
  config: BreakwaterConfig;
  now?: () => number;
}

/**
 * The provider panel and what its page calls, under /admin (behind its auth): the page, its data,
 * a ticket for /v1/events, and the manual open/close controls unless the board is read-only.
 */
export function panelRoutes(options: PanelOptions): Router {
  const router = Router();
  const now = options.now ?? Date.now;
  const controls = !options.config.board.readOnly;
  router.get('/providers', (_request, response) => {
    response.type('html').send(panelPage);
  });
  router.get('/providers/data', async (_request, response) => {
    const snapshot = await readSnapshot(options);
    response.json({
      report: statsReport(snapshot),
      controls,
      limits: {
        providers: Object.fromEntries(snapshot.limits?.providers ?? []),
        budgets: snapshot.limits?.budgets ?? [],
        waitingOnLimit: snapshot.limits?.waitingOnLimit ?? 0,
      },
    });
  });
  router.get('/events-ticket', (_request, response) => {
    response.json({ ticket: issueTicket(options.token, now()) });
  });
  router.post('/providers/{*path}', requireJson, (_request, _response, next) => {
    if (controls) return next();
    throw new HttpError(
      403,
      'forbidden',
      'the board is read-only: set board.readOnly to false to allow changes',
    );
  });
  router.use(express.json({ limit: '16kb' }));
  router.use(providerRoutes({ config: options.config, fleet: options.fleet, logger: options.logger }));
  return router;
}

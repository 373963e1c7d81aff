import { Router } from 'express';
import { readSnapshot, type SnapshotReaders } from '../../stats/read-snapshot.js';
import { statsReport } from '../../stats/stats-report.js';

/** GET /v1/stats: calls, tokens and cost by provider and model, fleet-wide. */
export function statsRoutes(readers: SnapshotReaders): Router {
  const router = Router();
  router.get('/stats', async (_request, response) => {
    response.json(statsReport(await readSnapshot(readers)));
  });
  return router;
}

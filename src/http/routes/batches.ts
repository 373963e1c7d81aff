import { Router } from 'express';
import type { BatchStore } from '../../batch/batch-store.js';
import { batchView } from '../../batch/batch-view.js';
import { HttpError } from '../http-error.js';

/** Batch ids as the batch machinery makes them; anything else is not a batch. */
const batchIdPattern = /^bat_[0-9a-f]{32}$/;

/** The most batches one `GET /v1/batches` lists. */
const maxListed = 1_000;

/** GET /v1/batches (newest first, `?limit=`, default 100) and GET /v1/batches/:id. */
export function batchRoutes(store: BatchStore): Router {
  const router = Router();

  router.get('/batches', async (request, response) => {
    const raw = request.query.limit;
    const limit = raw === undefined ? 100 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxListed) {
      throw new HttpError(400, 'invalid-request', `limit must be a whole number from 1 to ${maxListed}`, {
        fields: [{ path: 'limit', message: `must be a whole number from 1 to ${maxListed}` }],
      });
    }
    response.json({ batches: (await store.list(limit)).map(batchView) });
  });

  router.get('/batches/:id', async (request, response) => {
    const { id } = request.params;
    const record = batchIdPattern.test(id) ? await store.record(id) : undefined;
    if (!record) throw new HttpError(404, 'not-found', `no batch ${id}`);
    response.json(batchView(record));
  });

  return router;
}

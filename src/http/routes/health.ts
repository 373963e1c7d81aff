import { Router } from 'express';

export interface HealthRoutesOptions {
  /** Resolves when Redis answers a PING; rejects or times out otherwise. */
  pingRedis: () => Promise<unknown>;
  /** Longest /readyz waits for Redis. @defaultValue 1000 */
  readyTimeoutMs?: number;
}

/** GET /healthz (the process is alive) and GET /readyz (Redis answers); both open without a token. */
export function healthRoutes({ pingRedis, readyTimeoutMs = 1_000 }: HealthRoutesOptions): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
    const ready = await withTimeout(pingRedis(), readyTimeoutMs).then(
      () => true,
      () => false,
    );
    response.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable' });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

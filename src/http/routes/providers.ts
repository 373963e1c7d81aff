import { Router } from 'express';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { ProviderStatusStore } from '../../resilience/provider-status-store.js';
import type { ProviderStatus } from '../schemas.js';

export interface ProviderRoutesOptions {
  config: BreakwaterConfig;
  statuses: ProviderStatusStore;
}

/** GET /v1/providers: every configured provider's breaker state, as the workers last reported it. */
export function providerRoutes({ config, statuses }: ProviderRoutesOptions): Router {
  const router = Router();
  router.get('/providers', async (_request, response) => {
    const reported = await statuses.read();
    const providers = Object.entries(config.providers).map(([name, provider]): ProviderStatus => {
      const status = reported.get(name);
      return {
        name,
        type: provider.type,
        state: status?.state ?? 'closed',
        ...(status?.state === 'open' && status.until !== undefined
          ? { nextProbeAt: new Date(status.until).toISOString() }
          : {}),
        ...(status?.state === 'open' && status.reason ? { reason: status.reason } : {}),
        ...(status ? { updatedAt: new Date(status.at).toISOString() } : {}),
      };
    });
    response.json({ providers });
  });
  return router;
}

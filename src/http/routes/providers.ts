import { Router } from 'express';
import type { z } from 'zod';
import type { LimitsStore } from '../../admission/limits-store.js';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { FleetStore } from '../../fleet/fleet-store.js';
import type { Logger } from '../../logging/logger.js';
import { fieldProblems } from '../../queue/field-problems.js';
import { JobValidationError } from '../../queue/job-validation-error.js';
import { type ProviderView, providerView } from '../../resilience/provider-view.js';
import { servingEntry } from '../../resilience/serving-entry.js';
import { HttpError } from '../http-error.js';
import {
  closeRequestSchema,
  openRequestSchema,
  type ProviderStatus,
  type providersResponseSchema,
} from '../schemas.js';

type ProvidersResponse = z.output<typeof providersResponseSchema>;

export interface ProviderRoutesOptions {
  config: BreakwaterConfig;
  fleet: Pick<FleetStore, 'read' | 'open' | 'close'>;
  logger: Logger;
  /** What admission keeps: limits, quotas, budgets. */
  limits?: Pick<LimitsStore, 'read'>;
  now?: () => number;
}

/** GET /v1/providers, and opening or closing a provider fleet-wide by hand. */
export function providerRoutes({
  config,
  fleet,
  logger,
  limits,
  now = Date.now,
}: ProviderRoutesOptions): Router {
  const router = Router();
  const statusOf = async (name: string): Promise<ProviderStatus> =>
    providerView(name, config, (await fleet.read()).get(name), now());
  const known = (name: string) => {
    if (!Object.hasOwn(config.providers, name)) throw new HttpError(404, 'not-found', `no provider ${name}`);
    return name;
  };

  router.get('/providers', async (_request, response) => {
    const at = now();
    const [records, snapshot] = await Promise.all([fleet.read(), limits?.read(at)]);
    const providers = Object.keys(config.providers).map((name): ProviderStatus => {
      const view = providerView(name, config, records.get(name), at);
      const own = snapshot?.providers.get(name);
      return own ? { ...view, limits: own } : view;
    });
    const byName = new Map(providers.map((provider) => [provider.name, provider]));
    const body: ProvidersResponse = {
      providers,
      budgets: snapshot?.budgets ?? [],
      routes: Object.entries(config.routes).map(([name, chain]) => {
        const serving = servingEntry(chain, {
          state: (provider) => byName.get(provider)?.state,
          limits: (provider) => byName.get(provider)?.limits,
        });
        return serving
          ? {
              name,
              servedBy: {
                provider: serving.entry.provider,
                model: serving.entry.model,
                index: serving.index,
              },
            }
          : { name };
      }),
    };
    response.json(body);
  });

  router.post('/providers/:name/open', async (request, response) => {
    const name = known(request.params.name);
    const body = parse(openRequestSchema, request.body);
    const by = body.by ?? 'api';
    await fleet.open(name, {
      until: body.durationMs === undefined ? undefined : now() + body.durationMs,
      reason: `opened by ${by}: ${body.reason}`,
      force: true,
      manual: { by, reason: body.reason },
    });
    logger.warn(
      { provider: name, by, reason: body.reason, durationMs: body.durationMs },
      'provider opened by hand',
    );
    response.json(await statusOf(name));
  });

  router.post('/providers/:name/close', async (request, response) => {
    const name = known(request.params.name);
    const body = parse(closeRequestSchema, request.body);
    const by = body.by ?? 'api';
    await fleet.close(name, { manual: { by, reason: body.reason } });
    logger.warn({ provider: name, by, reason: body.reason }, 'provider closed by hand');
    response.json(await statusOf(name));
  });

  return router;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new JobValidationError(fieldProblems(parsed.error));
}

// The view the routes send is the documented wire shape: the compiler keeps the two in step.
const viewIsStatus = (view: ProviderView): ProviderStatus => view;
void viewIsStatus;

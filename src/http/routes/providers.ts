import { Router } from 'express';
import type { z } from 'zod';
import type { BreakwaterConfig } from '../../config/schema.js';
import type { FleetRecord } from '../../fleet/fleet-record.js';
import type { FleetStore } from '../../fleet/fleet-store.js';
import type { Logger } from '../../logging/logger.js';
import { fieldProblems } from '../../queue/field-problems.js';
import { JobValidationError } from '../../queue/job-validation-error.js';
import { HttpError } from '../http-error.js';
import { closeRequestSchema, openRequestSchema, type ProviderStatus } from '../schemas.js';

export interface ProviderRoutesOptions {
  config: BreakwaterConfig;
  fleet: Pick<FleetStore, 'read' | 'open' | 'close'>;
  logger: Logger;
  now?: () => number;
}

/** GET /v1/providers, and opening or closing a provider fleet-wide by hand. */
export function providerRoutes({ config, fleet, logger, now = Date.now }: ProviderRoutesOptions): Router {
  const router = Router();
  const statusOf = async (name: string): Promise<ProviderStatus> =>
    providerStatus(name, config, (await fleet.read()).get(name), now());
  const known = (name: string) => {
    if (!Object.hasOwn(config.providers, name)) throw new HttpError(404, 'not-found', `no provider ${name}`);
    return name;
  };

  router.get('/providers', async (_request, response) => {
    const records = await fleet.read();
    response.json({
      providers: Object.keys(config.providers).map((name) =>
        providerStatus(name, config, records.get(name), now()),
      ),
    });
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

/** A provider as the fleet sees it; an open record whose probe time has passed reads half-open. */
export function providerStatus(
  name: string,
  config: BreakwaterConfig,
  record: FleetRecord | undefined,
  now: number,
): ProviderStatus {
  const base = { name, type: config.providers[name]?.type ?? 'unknown' };
  const updated = record ? { updatedAt: new Date(record.since).toISOString() } : {};
  const manual = record?.manual ? { manual: record.manual } : {};
  if (!record || record.state === 'closed') return { ...base, state: 'closed', ...updated, ...manual };
  if (record.until !== undefined && record.until <= now)
    return { ...base, state: 'half-open', ...updated, ...manual };
  return {
    ...base,
    state: 'open',
    ...(record.until === undefined ? {} : { nextProbeAt: new Date(record.until).toISOString() }),
    ...(record.reason ? { reason: record.reason } : {}),
    ...updated,
    ...manual,
  };
}

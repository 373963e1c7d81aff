import type { BreakwaterConfig } from '../config/schema.js';
import type { JobData } from '../queue/job-input.js';
import type { FieldProblem } from '../queue/job-validation-error.js';
import { type AddressCheck, checkHost, type ResolveHost } from './webhook-address.js';

export interface WebhookSubmitCheckOptions {
  config: BreakwaterConfig;
  /** Whether BREAKWATER_WEBHOOK_SECRET is set: webhooks cannot be signed without it. */
  secretSet: boolean;
  resolve?: ResolveHost;
}

/**
 * Checks the webhooks of jobs about to be enqueued: a job's own `webhook.url` needs the signing
 * secret, and must not lead (after DNS) to a loopback, private, link-local or metadata address unless
 * `webhooks.allowPrivateNetworks`. Each host is resolved once per batch. Problems by job, in order.
 */
export function webhookSubmitCheck(options: WebhookSubmitCheckOptions) {
  const policy = {
    allowPrivateNetworks: options.config.webhooks.allowPrivateNetworks,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  return async (jobs: readonly JobData[]): Promise<FieldProblem[][]> => {
    const hosts = new Map<string, Promise<AddressCheck>>();
    return Promise.all(
      jobs.map(async (data): Promise<FieldProblem[]> => {
        const url = data.webhook?.url;
        if (url === undefined) return [];
        if (!options.secretSet) {
          return [
            {
              path: 'webhook.url',
              message:
                'webhooks are signed, and BREAKWATER_WEBHOOK_SECRET is not set on the server; set it or leave webhook out',
            },
          ];
        }
        const { hostname } = new URL(url);
        let check = hosts.get(hostname);
        if (!check) {
          check = checkHost(hostname, policy);
          hosts.set(hostname, check);
        }
        const result = await check;
        return result.kind === 'refused' ? [{ path: 'webhook.url', message: result.reason }] : [];
      }),
    );
  };
}

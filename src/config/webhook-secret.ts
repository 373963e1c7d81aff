import { Secret } from '../logging/secret.js';

/** The environment variable that holds the webhook signing secret. */
export const webhookSecretEnv = 'BREAKWATER_WEBHOOK_SECRET';

export type WebhookSecretReading =
  | { kind: 'absent' }
  | { kind: 'ok'; secret: Secret }
  | { kind: 'invalid'; message: string };

/**
 * Reads `BREAKWATER_WEBHOOK_SECRET`: `whsec_` and base64 (at least 24 bytes), as Standard Webhooks
 * secrets are written. The value is a Secret from here on: it never enters logs, Redis or errors.
 */
export function readWebhookSecret(env: NodeJS.ProcessEnv): WebhookSecretReading {
  const value = env[webhookSecretEnv];
  if (!value) return { kind: 'absent' };
  const fix = `set ${webhookSecretEnv} to whsec_ followed by a base64 key of 24 to 64 random bytes, e.g. whsec_$(openssl rand -base64 32)`;
  const body = value.startsWith('whsec_') ? value.slice('whsec_'.length) : undefined;
  if (body === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    return { kind: 'invalid', message: `${webhookSecretEnv} is not a whsec_ secret; ${fix}` };
  }
  const bytes = Buffer.from(body, 'base64').length;
  if (bytes < 24 || bytes > 64) {
    return { kind: 'invalid', message: `${webhookSecretEnv} holds ${bytes} bytes; ${fix}` };
  }
  return { kind: 'ok', secret: new Secret(value) };
}

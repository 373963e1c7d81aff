import { Webhook } from 'standardwebhooks';
import type { Secret } from '../logging/secret.js';

/** Signs webhook bodies with the Standard Webhooks scheme (`v1,<base64 HMAC-SHA256>`). */
export class WebhookSigner {
  readonly #webhook: Webhook;

  constructor(secret: Secret) {
    this.#webhook = new Webhook(secret.reveal());
  }

  /** The three Standard Webhooks headers for this message, signed at `at`. */
  headers(messageId: string, at: Date, body: string): Record<string, string> {
    return {
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.#webhook.sign(messageId, at, body),
    };
  }
}

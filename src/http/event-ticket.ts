import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A browser cannot set headers on a WebSocket, and the token must not travel in a URL. A page behind
 * /admin's auth asks for a ticket instead: proof, signed with the token, that expires in a minute
 * and opens one connection.
 */
export function issueTicket(
  token: string | undefined,
  now: number,
  ttlMs = 60_000,
  nonce: string = randomBytes(12).toString('base64url'),
): string {
  const payload = `${now + ttlMs}.${nonce}`;
  return `${payload}.${sign(token, payload)}`;
}

/** Whether a ticket is genuine and unexpired; returns its expiry (epoch ms) when it is. */
export function verifyTicket(token: string | undefined, ticket: string, now: number): number | undefined {
  const [expires = '', nonce = '', signature = '', ...rest] = ticket.split('.');
  if (rest.length > 0 || !/^\d+$/.test(expires) || !/^[A-Za-z0-9_-]+$/.test(nonce)) return undefined;
  if (Number(expires) < now) return undefined;
  const expected = Buffer.from(sign(token, `${expires}.${nonce}`));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  return Number(expires);
}

/**
 * Tickets already used, kept until they expire: a ticket copied from a page's traffic or its
 * history opens nothing more. Held by each API process (a ticket is good once per process).
 */
export class TicketBook {
  readonly #used = new Map<string, number>();

  constructor(private readonly token: string | undefined) {}

  /** Verifies a ticket and spends it; false when it is forged, expired or already spent. */
  redeem(ticket: string, now: number): boolean {
    const expires = verifyTicket(this.token, ticket, now);
    if (expires === undefined) return false;
    for (const [used, until] of this.#used) if (until < now) this.#used.delete(used);
    if (this.#used.has(ticket)) return false;
    this.#used.set(ticket, expires);
    return true;
  }
}

function sign(token: string | undefined, payload: string): string {
  return createHmac('sha256', token ?? '')
    .update(`breakwater-events:${payload}`)
    .digest('base64url');
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A browser cannot set headers on a WebSocket, and the token must not travel in a URL. A page behind
 * /admin's auth asks for a ticket instead: proof, signed with the token, that expires in a minute.
 */
export function issueTicket(token: string | undefined, now: number, ttlMs = 60_000): string {
  const expires = String(now + ttlMs);
  return `${expires}.${sign(token, expires)}`;
}

export function verifyTicket(token: string | undefined, ticket: string, now: number): boolean {
  const [expires = '', signature = ''] = ticket.split('.');
  if (!/^\d+$/.test(expires) || Number(expires) < now) return false;
  const expected = Buffer.from(sign(token, expires));
  const presented = Buffer.from(signature);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function sign(token: string | undefined, expires: string): string {
  return createHmac('sha256', token ?? '')
    .update(`breakwater-events:${expires}`)
    .digest('base64url');
}

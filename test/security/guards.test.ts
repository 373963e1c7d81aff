import { describe, expect, it } from 'vitest';
import { modelIdProblem, pathModelIdProblem } from '../../src/config/model-id.js';
import { ConnectionQuota } from '../../src/http/connection-quota.js';
import { parseByteSize } from '../../src/http/declared-length.js';
import { issueTicket, TicketBook, verifyTicket } from '../../src/http/event-ticket.js';
import { hostAllowed } from '../../src/http/host-guard.js';
import { isoTime } from '../../src/http/iso-time.js';
import { jsonDepth } from '../../src/queue/metadata-limits.js';

/** The pure pieces of the hardening, with an injected clock where time matters. */
describe('hostAllowed', () => {
  const open = { allowedHosts: ['api.example.com', 'edge.example.com:8443', '[fd00::1]'], token: undefined };

  it('takes the loopback names on any port and the configured names as configured', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:3000', 'localhost:1', '[::1]:3000', 'api.example.com:80']) {
      expect(hostAllowed(host, open), host).toBe(true);
    }
    expect(hostAllowed('edge.example.com:8443', open)).toBe(true);
    expect(hostAllowed('[fd00::1]:3000', open)).toBe(true);
    for (const host of [
      'edge.example.com:443',
      'edge.example.com',
      '127.0.0.2:3000',
      '::1',
      'localhost.',
      'x.localhost',
    ]) {
      expect(hostAllowed(host, open), host).toBe(false);
    }
  });
});

describe('ConnectionQuota', () => {
  it('caps per client and in total, and a place freed twice is freed once', () => {
    const quota = new ConnectionQuota(3, 2);
    const a1 = quota.admit('a');
    const a2 = quota.admit('a');
    expect(quota.admit('a').kind).toBe('client-full');
    const b1 = quota.admit('b');
    expect(quota.admit('c').kind).toBe('server-full');
    if (a1.kind !== 'admitted' || a2.kind !== 'admitted' || b1.kind !== 'admitted')
      throw new Error('not admitted');
    a1.release();
    a1.release();
    expect(quota.total).toBe(2);
    expect(quota.admit('c').kind).toBe('admitted');
    expect(quota.admit('c').kind).toBe('server-full');
  });
});

describe('event tickets', () => {
  it('open once, expire, and are bound to the token', () => {
    const book = new TicketBook('secret-token');
    const ticket = issueTicket('secret-token', 1_000);
    expect(book.redeem(ticket, 2_000)).toBe(true);
    expect(book.redeem(ticket, 2_001)).toBe(false);
    expect(book.redeem(issueTicket('secret-token', 1_000), 61_001)).toBe(false);
    expect(verifyTicket('other-token', issueTicket('secret-token', 1_000), 2_000)).toBeUndefined();
    expect(issueTicket('secret-token', 1_000)).not.toBe(issueTicket('secret-token', 1_000));
  });
});

describe('limits', () => {
  it('measures JSON depth without recursion, stopping past the limit', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
    let deep: unknown = 1;
    for (let level = 0; level < 200_000; level += 1) deep = [deep];
    expect(jsonDepth(deep, 32)).toBe(33);
  });

  it('reads byte sizes as the body parser does', () => {
    expect(parseByteSize('10mb')).toBe(10 * 1024 * 1024);
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('2048')).toBe(2048);
    expect(() => parseByteSize('lots')).toThrow(/byte size/);
  });

  it('shows epoch milliseconds as ISO only when a date can hold them', () => {
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(isoTime(undefined)).toBeUndefined();
  });

  it('model ids: path tricks never, slashes only where the model goes in the body', () => {
    for (const model of ['gpt-4.1-mini', 'llama3.1:8b', 'meta-llama/Llama-3.1-8B-Instruct']) {
      expect(modelIdProblem(model), model).toBeUndefined();
    }
    for (const model of [
      '',
      'a..b',
      '../x',
      'x?y=1',
      'x#f',
      'a%2F',
      'a\\b',
      'a b',
      '/x',
      'x/',
      'a'.repeat(201),
    ]) {
      expect(modelIdProblem(model), model).toBeDefined();
    }
    for (const model of ['gemini-2.5-flash', 'models/gemini-2.5-flash', 'tunedModels/mine']) {
      expect(pathModelIdProblem(model), model).toBeUndefined();
    }
    for (const model of ['a/b', 'models/a/b', 'x:streamGenerateContent', 'models/', 'tunedModels/../x']) {
      expect(pathModelIdProblem(model), model).toBeDefined();
    }
  });
});

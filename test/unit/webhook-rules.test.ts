import { DelayedError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { readWebhookSecret } from '../../src/config/webhook-secret.js';
import { type DeliveryOutcome, deliveryVerdict } from '../../src/webhooks/delivery-verdict.js';
import { isPrivateAddress } from '../../src/webhooks/private-address.js';
import { checkHost } from '../../src/webhooks/webhook-address.js';
import { endsJob, reportingEnds } from '../../src/worker/report-job-end.js';

const terms = {
  now: 10_000,
  firstAt: 0,
  attempts: 1,
  retryForMs: 60_000,
  backoffMs: 1_000,
  maxBackoffMs: 8_000,
  jitter: 1,
};
const answered = (status: number): DeliveryOutcome => ({ kind: 'answered', status, durationMs: 5 });

describe('deliveryVerdict', () => {
  it('2xx is delivered, 410 stops, a refused address gives up at once', () => {
    expect(deliveryVerdict(answered(200), terms)).toEqual({ kind: 'delivered' });
    expect(deliveryVerdict(answered(204), terms)).toEqual({ kind: 'delivered' });
    expect(deliveryVerdict(answered(410), terms)).toMatchObject({ kind: 'gone' });
    expect(
      deliveryVerdict({ kind: 'refused', error: '10.0.0.1 is private', durationMs: 1 }, terms),
    ).toMatchObject({ kind: 'give-up', reason: '10.0.0.1 is private' });
  });

  it('anything else retries with exponential backoff, jittered and capped', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempts) =>
      deliveryVerdict(answered(500), { ...terms, attempts }),
    );
    expect(delays.map((verdict) => (verdict.kind === 'retry' ? verdict.delayMs : -1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 8_000, 8_000,
    ]);
    expect(deliveryVerdict(answered(404), { ...terms, jitter: 0 })).toMatchObject({
      kind: 'retry',
      delayMs: 500,
    });
    expect(deliveryVerdict({ kind: 'no-answer', error: 'ECONNREFUSED', durationMs: 1 }, terms)).toMatchObject(
      { kind: 'retry', reason: 'no answer: ECONNREFUSED' },
    );
  });

  it('the last retry is made when retryForMs runs out, then it gives up', () => {
    expect(deliveryVerdict(answered(500), { ...terms, now: 59_500, attempts: 9 })).toMatchObject({
      kind: 'retry',
      delayMs: 500,
    });
    expect(deliveryVerdict(answered(500), { ...terms, now: 60_000, attempts: 10 })).toMatchObject({
      kind: 'give-up',
      reason: 'HTTP 500; gave up after 10 attempts',
    });
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::7',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '[::1]',
    'not-an-address',
  ])('%s is refused', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])(
    '%s is allowed',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('checkHost', () => {
  it('refuses a name when any of its addresses is private, unless allowed', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.8', family: 4 },
    ];
    expect(await checkHost('mixed.example', { allowPrivateNetworks: false, resolve })).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('mixed.example resolves to 10.0.0.8'),
    });
    expect(await checkHost('mixed.example', { allowPrivateNetworks: true, resolve })).toMatchObject({
      kind: 'allowed',
    });
    const unresolvable = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    expect(
      await checkHost('nowhere.invalid', { allowPrivateNetworks: false, resolve: unresolvable }),
    ).toMatchObject({ kind: 'refused', reason: expect.stringContaining('does not resolve (ENOTFOUND)') });
  });
});

describe('reportingEnds', () => {
  type FakeJob = { id: string; attemptsMade: number; opts: { attempts: number } };
  const fake = (attemptsMade: number): FakeJob => ({ id: '7', attemptsMade, opts: { attempts: 3 } });

  it('reports a completion and a final failure, never a retry or a deferral', async () => {
    const seen: string[] = [];
    const listener = async (_job: unknown, type: string) => {
      seen.push(type);
    };
    const run = (outcome: () => Promise<string>) =>
      reportingEnds(outcome as never, listener as never, () => undefined) as unknown as (
        job: FakeJob,
      ) => Promise<string>;
    await run(async () => 'done')(fake(0));
    await expect(run(() => Promise.reject(new Error('retry')))(fake(0))).rejects.toThrow('retry');
    await expect(run(() => Promise.reject(new DelayedError('deferred')))(fake(2))).rejects.toThrow();
    await expect(run(() => Promise.reject(new Error('last')))(fake(2))).rejects.toThrow('last');
    expect(seen).toEqual(['job.completed', 'job.failed']);
  });

  it('a listener that fails neither fails nor changes the job', async () => {
    const errors: unknown[] = [];
    const run = reportingEnds(
      (async () => 'done') as never,
      (async () => {
        throw new Error('redis away');
      }) as never,
      (error) => errors.push(error),
    ) as unknown as (job: FakeJob) => Promise<string>;
    expect(await run(fake(0))).toBe('done');
    expect(errors).toHaveLength(1);
  });
});

describe('endsJob', () => {
  const job = (attemptsMade: number, attempts: number) => ({ attemptsMade, opts: { attempts } });
  it('a deferral or delay never ends a job; an unrecoverable error or the last attempt does', () => {
    expect(endsJob(new DelayedError(), job(4, 5))).toBe(false);
    expect(endsJob(new UnrecoverableError('no'), job(0, 5))).toBe(true);
    expect(endsJob(new Error('retry'), job(3, 5))).toBe(false);
    expect(endsJob(new Error('retry'), job(4, 5))).toBe(true);
  });
});

describe('the webhook secret', () => {
  const base = {
    providers: { sim: { type: 'simulated' } },
    routes: { default: [{ provider: 'sim', model: 'm' }] },
  };
  const good = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it('is read from BREAKWATER_WEBHOOK_SECRET and never shown', () => {
    const reading = readWebhookSecret({ BREAKWATER_WEBHOOK_SECRET: good });
    expect(reading.kind).toBe('ok');
    expect(JSON.stringify(reading)).not.toContain(good.slice(6));
    expect(readWebhookSecret({})).toEqual({ kind: 'absent' });
    expect(readWebhookSecret({ BREAKWATER_WEBHOOK_SECRET: 'hunter2' })).toMatchObject({ kind: 'invalid' });
    expect(readWebhookSecret({ BREAKWATER_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('5 bytes'),
    });
  });

  it('webhooks.url without it is a config error naming both', () => {
    const config = { ...base, webhooks: { url: 'https://hooks.example.com/breakwater' } };
    expect(() => validateConfig(config, 'test', {})).toThrow(/webhooks\.url.*BREAKWATER_WEBHOOK_SECRET/s);
    expect(validateConfig(config, 'test', { BREAKWATER_WEBHOOK_SECRET: good }).webhookSecret).toBeDefined();
    expect(() => validateConfig(base, 'test', { BREAKWATER_WEBHOOK_SECRET: 'plain' })).toThrow(
      /BREAKWATER_WEBHOOK_SECRET/,
    );
  });
});

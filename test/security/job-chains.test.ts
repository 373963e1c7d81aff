import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { validateJob } from '../../src/queue/validate-job.js';

/** api.jobChains: whether producers may name any model in a job's own chain, or only routed pairs. */
const config = (jobChains?: string) =>
  validateConfig(
    {
      providers: { fast: { type: 'simulated' }, gemini: { type: 'simulated', wire: 'google' } },
      routes: {
        default: [{ provider: 'fast', model: 'small-model' }],
        nightly: [{ provider: 'gemini', model: 'gemini-2.5-flash' }],
      },
      ...(jobChains === undefined ? {} : { api: { jobChains } }),
    },
    'test',
    {},
  ).config;

const job = (provider: string, model: string) => ({ prompt: 'hi', chain: [{ provider, model }] });

describe('api.jobChains', () => {
  it('is "any" by default: a job may name any model of a configured provider', () => {
    expect(config().api.jobChains).toBe('any');
    expect(validateJob(job('fast', 'expensive-model'), config()).kind).toBe('ok');
  });

  it('"configured-models-only" takes only provider/model pairs some route names', () => {
    const strict = config('configured-models-only');
    expect(validateJob(job('fast', 'small-model'), strict).kind).toBe('ok');
    expect(validateJob(job('gemini', 'gemini-2.5-flash'), strict).kind).toBe('ok');
    // A routed model on another provider is not a routed pair.
    expect(validateJob(job('gemini', 'small-model'), strict)).toMatchObject({
      kind: 'invalid',
      problems: [{ path: 'chain.0.model', message: expect.stringContaining('api.jobChains') }],
    });
    expect(validateJob(job('fast', 'expensive-model'), strict).kind).toBe('invalid');
    // Routes themselves are unaffected.
    expect(validateJob({ prompt: 'hi', route: 'nightly' }, strict).kind).toBe('ok');
  });

  it('refuses an unknown value at startup, naming the key', () => {
    expect(() => config('some')).toThrow(/api\.jobChains/);
  });

  it('api.allowedHosts takes names and addresses with an optional port, and refuses URLs by key', () => {
    const withHosts = (allowedHosts: string[]) =>
      validateConfig(
        {
          providers: { fast: { type: 'simulated' } },
          routes: { default: [{ provider: 'fast', model: 'm' }] },
          api: { allowedHosts },
        },
        'test',
        {},
      ).config.api.allowedHosts;
    expect(
      withHosts(['api.example.com', 'api.example.com:8443', '10.0.0.5:3000', '[fd00::1]:3000']),
    ).toHaveLength(4);
    expect(() => withHosts(['http://api.example.com'])).toThrow(/api\.allowedHosts\.0/);
    expect(() => withHosts(['*'])).toThrow(/api\.allowedHosts\.0/);
  });
});

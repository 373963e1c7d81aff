import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowest, scriptCalls, scriptsPerJob } from '../../scripts/bench/redis-scripts.js';
import { DedicatedRedis } from '../support/redis-server.js';

const redis = new DedicatedRedis();
let client: ReturnType<DedicatedRedis['client']>;
beforeAll(async () => {
  await redis.start();
  client = redis.client();
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe('the bench counting Redis scripts', () => {
  it('counts eval, evalsha and fcall calls over a task, per job, and nothing else', async () => {
    const sha = String(await client.script('LOAD', 'return 1'));
    await client.call(
      'FUNCTION',
      'LOAD',
      'REPLACE',
      "#!lua name=bench\nredis.register_function{function_name='one', callback=function() return 1 end, flags={'no-writes'}}",
    );
    const perJob = await scriptsPerJob(client, 2, async () => {
      await client.eval('return 1', 0);
      await client.evalsha(sha, 0);
      await client.call('FCALL', 'one', '0');
      await client.call('FCALL_RO', 'one', '0');
      await client.set('not-a-script', '1');
      await client.get('not-a-script');
    });
    expect(perJob).toBe(2);
  });

  it('reads counters reset mid-task as no figure rather than a wrong one', async () => {
    await client.eval('return 1', 0);
    const perJob = await scriptsPerJob(client, 1, async () => {
      await client.config('RESETSTAT');
    });
    expect(perJob).toBeNaN();
    expect(await scriptCalls(client)).toBe(0);
  });

  it('takes the lowest run, ignoring runs without a figure', () => {
    expect(lowest([3.1, Number.NaN, 3.02, 3.4])).toBe(3.02);
    expect(lowest([Number.NaN])).toBeNaN();
  });
});

import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

/**
 * A Lua script sent by its SHA (EVALSHA), and in full only when Redis does not know it yet. Its
 * input is its keys and one JSON value, so arguments are named, not positional.
 */
export class LuaScript {
  readonly #sha: string;

  constructor(readonly lua: string) {
    this.#sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    redis: Pick<RedisClient, 'evalsha' | 'eval'>,
    keys: readonly string[],
    input: object,
  ): Promise<unknown> {
    const json = JSON.stringify(input);
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, json);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.lua, keys.length, ...keys, json);
    }
  }
}

/** A script's reply as the expected one of a few strings, or an error naming what came back. */
export function replyOneOf<const T extends string>(reply: unknown, allowed: readonly T[], script: string): T {
  if (typeof reply === 'string' && (allowed as readonly string[]).includes(reply)) return reply as T;
  throw new Error(`unexpected reply from the ${script} script: ${JSON.stringify(reply)}`);
}

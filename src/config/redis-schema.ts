import { z } from 'zod';

/** A cluster seed as the config may give it: no credentials (they come from the environment). */
const clusterNodeSchema = z
  .string()
  .regex(
    /^((redis|rediss):\/\/)?[^\s:@/]+:\d{1,5}\/?$/,
    'must be host:port (or redis://host:port, rediss://host:port); a password goes in REDIS_CLUSTER_NODES',
  );

export const redisSchema = z
  .object({
    /**
     * Seed nodes of a Redis Cluster (`host:port`), used when neither REDIS_CLUSTER_NODES nor
     * REDIS_URL is set. Credentials never go in the config: give them in REDIS_CLUSTER_NODES.
     */
    cluster: z
      .array(clusterNodeSchema)
      .min(1, 'name at least one node')
      .optional()
      .describe('Redis Cluster seed nodes (host:port); REDIS_CLUSTER_NODES and REDIS_URL override it.'),
  })
  .strict();
export type RedisConfig = z.infer<typeof redisSchema>;

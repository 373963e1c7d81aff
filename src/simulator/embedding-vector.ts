import { createHash } from 'node:crypto';

/**
 * A deterministic unit vector for a text: the same model and text always give the same vector, and
 * different texts different ones. Seeded from a hash of both, spread by a small PRNG (mulberry32).
 */
export function embeddingVector(model: string, text: string, dimensions: number): number[] {
  let seed = createHash('sha256').update(model).update('\u0000').update(text).digest().readUInt32LE(0);
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const vector = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

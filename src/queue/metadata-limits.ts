/** Deepest nesting a job's metadata may have; deeper values overflow the stack of every reader. */
export const maxMetadataDepth = 32;

/**
 * How deep a JSON value nests (a scalar is 0, `{}` and `[]` are 1), walked without recursion so that
 * measuring a hostile value cannot overflow the stack; stops counting past `limit`.
 */
export function jsonDepth(value: unknown, limit = maxMetadataDepth): number {
  let deepest = 0;
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next || typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    deepest = Math.max(deepest, depth);
    if (depth > limit) return deepest;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return deepest;
}

/**
 * The nesting depth of a parsed JSON value, counted without recursion (a hostile body nested
 * thousands deep would overflow the stack of a recursive walk, or of JSON.stringify later). Stops
 * counting at `limit + 1`.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export type DocumentChange = { path: string; a: unknown; b: unknown; delta: number | null };

type Leaf = string | number | boolean | null;

function flatten(value: unknown, path: string, out: Map<string, Leaf>) {
  if (Array.isArray(value)) {
    // Arrays of objects with an `id` key (signals, categories) are matched by id, not position,
    // so a dropped signal shows as removed instead of shifting every later one.
    const keyed = value.every(
      (v) => v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string',
    );
    value.forEach((v, i) => {
      const seg = keyed ? `[${(v as { id: string }).id}]` : `[${i}]`;
      flatten(v, `${path}${seg}`, out);
    });
    if (value.length === 0) out.set(path, '[]');
    return;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries) flatten(v, path ? `${path}.${k}` : k, out);
    if (entries.length === 0) out.set(path, '{}');
    return;
  }
  out.set(path, (value ?? null) as Leaf);
}

/**
 * Leaf-by-leaf differences between two JSON documents (e.g. two health models), with the numeric
 * change where both sides are numbers. Paths are sorted so a diff reads the same every time.
 */
export function diffDocuments(a: unknown, b: unknown): DocumentChange[] {
  const fa = new Map<string, Leaf>();
  const fb = new Map<string, Leaf>();
  flatten(a, '', fa);
  flatten(b, '', fb);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  const out: DocumentChange[] = [];
  for (const p of paths) {
    const va = fa.has(p) ? fa.get(p) : undefined;
    const vb = fb.has(p) ? fb.get(p) : undefined;
    if (va === vb) continue;
    out.push({
      path: p,
      a: va,
      b: vb,
      delta: typeof va === 'number' && typeof vb === 'number' ? vb - va : null,
    });
  }
  return out;
}

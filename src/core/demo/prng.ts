/**
 * A seeded sfc32 generator with a few sampling helpers. The demo never uses
 * Math.random: every account draws from its own streams, derived from
 * (seed, account index, purpose), so one account's data does not depend on
 * how many accounts come before it or on what other streams consumed.
 */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  normal(mean?: number, sd?: number): number;
  logUniform(min: number, max: number): number;
  /** Poisson count (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number;
};

/** splitmix32: spreads nearby integers (seed 1, 2, 3...) over the whole 32-bit space. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export function createRng(seed: number, ...stream: number[]): Rng {
  let h = mix(seed | 0);
  for (const s of stream) h = mix(h ^ mix(s | 0));
  let a = h;
  let b = mix(h ^ 0x243f6a88);
  let c = mix(h ^ 0xb7e15162);
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const normal = (mean = 0, sd = 1) => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return mean + sd * s;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = next() * 2 - 1;
      v = next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * m;
    return mean + sd * u * m;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
    normal,
    logUniform: (min, max) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    poisson(mean) {
      if (mean <= 0) return 0;
      if (mean > 30) return Math.max(0, Math.round(normal(mean, Math.sqrt(mean))));
      const l = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > l) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}

/**
 * Small helpers the whole library shares: a seeded random number generator (minibatch sampling,
 * sparse gradient checks, sample images) and reading a scalar tensor into a JS number.
 */
import { Tensor } from "./tf";

/**
 * A seeded PRNG (mulberry32) returning floats in [0, 1): the same seed gives the same sequence on
 * every machine. Without a seed (undefined) it starts from a random seed.
 */
export function seededRandom(seed?: number): () => number {
  let s = (seed ?? Math.floor(Math.random() * 2147483647)) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k integers drawn uniformly from [0, n) with replacement, using `rand` (e.g. seededRandom(seed)). */
export function sampleIndices(rand: () => number, n: number, k: number): Int32Array {
  const idx = new Int32Array(k);
  for (let i = 0; i < k; i++) idx[i] = Math.floor(rand() * n);
  return idx;
}

/** The value of a one-element tensor (e.g. a loss) as a number; disposes the tensor. */
export function readScalar(t: Tensor): number {
  const v = (t.dataSync() as ArrayLike<number>)[0];
  t.dispose();
  return v;
}

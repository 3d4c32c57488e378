/**
 * Convenience "sandwich" layers built from lib/layers (cs231n's layer_utils.py).
 * Assignment 2 adds the conv sandwiches here.
 */
import { Tensor } from "./tf";
import { affineForward, affineBackward, reluForward, reluBackward, AffineCache, ReluCache } from "./layers";

/** Cache of affineReluForward: the affine cache, the ReLU cache and the intermediate (owned) affine output. */
export type AffineReluCache = { readonly fc: AffineCache; readonly relu: ReluCache };

/**
 * Affine followed by ReLU. x: (N, d1..dk), w: (D, M), b: (M,). Returns [out (N, M), cache].
 * The cache owns the intermediate affine output; affineReluBackward disposes it.
 */
export function affineReluForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineReluCache] {
  // BEGIN SOLUTION
  const [a, fc] = affineForward(x, w, b);
  const [out, relu] = reluForward(a);
  return [out, { fc, relu }];
  // END SOLUTION
}

/**
 * Backward of affineReluForward. dout: (N, M). Returns [dx (shape of x), dw (D, M), db (M,)] and
 * disposes the intermediate tensor held by the cache (call it once per forward).
 */
export function affineReluBackward(dout: Tensor, cache: AffineReluCache): [Tensor, Tensor, Tensor] {
  // BEGIN SOLUTION
  const da = reluBackward(dout, cache.relu);
  const grads = affineBackward(da, cache.fc);
  da.dispose();
  cache.relu.x.dispose();
  return grads;
  // END SOLUTION
}

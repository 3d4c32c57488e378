/**
 * Convenience "sandwich" layers built from lib/layers (cs231n's layer_utils.py).
 * Like the layers, they dispose nothing: run them inside the caller's `tf.tidy`.
 */
import { Tensor } from "./tf";
import { affineForward, affineBackward, reluForward, reluBackward, AffineCache, ReluCache } from "./layers";

/** Cache of affineReluForward: the affine cache and the ReLU cache. */
export type AffineReluCache = { readonly fc: AffineCache; readonly relu: ReluCache };

/** Affine followed by ReLU. x: (N, d1..dk), w: (D, M), b: (M,). Returns [out (N, M), cache]. */
export function affineReluForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineReluCache] {
  // BEGIN SOLUTION
  const [a, fc] = affineForward(x, w, b);
  const [out, relu] = reluForward(a);
  return [out, { fc, relu }];
  // END SOLUTION
}

/** Backward of affineReluForward. dout: (N, M). Returns [dx (shape of x), dw (D, M), db (M,)]. */
export function affineReluBackward(dout: Tensor, cache: AffineReluCache): [Tensor, Tensor, Tensor] {
  // BEGIN SOLUTION
  const da = reluBackward(dout, cache.relu);
  return affineBackward(da, cache.fc);
  // END SOLUTION
}

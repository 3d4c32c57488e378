/**
 * Affine (fully connected) layer, cs231n's affine_forward / affine_backward.
 * Intermediate tensors belong to the caller's scope (run inside `tf.tidy`, as Solver and the models do).
 */
import { Tensor } from "../tf";

/** Cache of affineForward: the inputs x (original shape), w, b. Opaque to callers. */
export type AffineCache = { readonly kind: "affine"; readonly x: Tensor; readonly w: Tensor; readonly b: Tensor };

/**
 * Affine layer forward: out = x.reshape(N, D) · w + b.
 * x: (N, d1, ..., dk) with D = d1*...*dk; w: (D, M); b: (M,). Returns out (N, M) and the cache.
 */
export function affineForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineCache] {
  const cache: AffineCache = { kind: "affine", x, w, b };
  // BEGIN SOLUTION
  const out = x.reshape([x.shape[0], -1]).matMul(w).add(b);
  return [out, cache];
  // END SOLUTION
}

/**
 * Affine layer backward. dout: (N, M) upstream gradient; cache from affineForward.
 * Returns [dx (shape of the original x), dw (D, M), db (M,)].
 */
export function affineBackward(dout: Tensor, cache: AffineCache): [Tensor, Tensor, Tensor] {
  const { x, w } = cache;
  // BEGIN SOLUTION
  const dx = dout.matMul(w, false, true).reshape(x.shape);
  const dw = x.reshape([x.shape[0], -1]).matMul(dout, true, false);
  const db = dout.sum(0);
  return [dx, dw, db];
  // END SOLUTION
}

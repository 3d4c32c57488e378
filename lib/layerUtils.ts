/**
 * Convenience "sandwich" layers built from lib/layers (cs231n's layer_utils.py).
 * Like the layers, they dispose nothing: run them inside the caller's `tf.tidy`.
 */
import { Tensor } from "./tf";
import { affineForward, affineBackward, reluForward, reluBackward, AffineCache, ReluCache } from "./layers";
// BEGIN ASSIGNMENT assignment2
import { batchnormForward, batchnormBackwardAlt, layernormForward, layernormBackward } from "./layers";
import type { BnParam, LnParam, BatchnormCache, LayernormCache } from "./layers";
// END ASSIGNMENT

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

// BEGIN ASSIGNMENT assignment2
/** The normalization layers FullyConnectedNet can put before each ReLU. */
export type Normalization = "batchnorm" | "layernorm";

/** Cache of affineNormReluForward: the affine, normalization and ReLU caches. */
export type AffineNormReluCache = {
  readonly fc: AffineCache;
  readonly norm: { readonly kind: "batchnorm"; readonly cache: BatchnormCache } | { readonly kind: "layernorm"; readonly cache: LayernormCache };
  readonly relu: ReluCache;
};

/**
 * Affine, then batch or layer normalization, then ReLU. x: (N, d1..dk), w: (D, M), b, gamma, beta:
 * (M,); normParam: the layer's BnParam (batchnorm: mode and running statistics) or LnParam.
 * Returns [out (N, M), cache].
 */
export function affineNormReluForward(
  x: Tensor, w: Tensor, b: Tensor, gamma: Tensor, beta: Tensor, normalization: Normalization, normParam: BnParam | LnParam,
): [Tensor, AffineNormReluCache] {
  // BEGIN SOLUTION
  const [a, fc] = affineForward(x, w, b);
  let an: Tensor;
  let norm: AffineNormReluCache["norm"];
  if (normalization === "batchnorm") {
    const [o, cache] = batchnormForward(a, gamma, beta, normParam as BnParam);
    [an, norm] = [o, { kind: "batchnorm", cache }];
  } else {
    const [o, cache] = layernormForward(a, gamma, beta, normParam);
    [an, norm] = [o, { kind: "layernorm", cache }];
  }
  const [out, relu] = reluForward(an);
  return [out, { fc, norm, relu }];
  // END SOLUTION
}

/**
 * Backward of affineNormReluForward. dout: (N, M).
 * Returns [dx (shape of x), dw (D, M), db (M,), dgamma (M,), dbeta (M,)].
 */
export function affineNormReluBackward(dout: Tensor, cache: AffineNormReluCache): [Tensor, Tensor, Tensor, Tensor, Tensor] {
  // BEGIN SOLUTION
  const dan = reluBackward(dout, cache.relu);
  const [da, dgamma, dbeta] = cache.norm.kind === "batchnorm" ? batchnormBackwardAlt(dan, cache.norm.cache) : layernormBackward(dan, cache.norm.cache);
  const [dx, dw, db] = affineBackward(da, cache.fc);
  return [dx, dw, db, dgamma, dbeta];
  // END SOLUTION
}
// END ASSIGNMENT

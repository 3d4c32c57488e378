/**
 * Convenience "sandwich" layers built from lib/layers (cs231n's layer_utils.py).
 * Like the layers, they dispose nothing: run them inside the caller's `tf.tidy`.
 */
import { Tensor } from "./tf";
import { affineForward, affineBackward, reluForward, reluBackward, AffineCache, ReluCache } from "./layers";
// BEGIN ASSIGNMENT assignment2
import { batchnormForward, batchnormBackwardAlt, layernormForward, layernormBackward } from "./layers";
import type { BnParam, LnParam, BatchnormCache, LayernormCache, ConvParam, PoolParam } from "./layers";
import { convForwardFast, convBackwardFast, maxPoolForwardFast, maxPoolBackwardFast } from "./fastLayers";
import type { ConvFastCache, PoolFastCache } from "./fastLayers";
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

/** Cache of convReluForward: the (fast) convolution cache and the ReLU cache. */
export type ConvReluCache = { readonly conv: ConvFastCache; readonly relu: ReluCache };

/** Cache of convReluPoolForward: the convolution, ReLU and (fast) max pooling caches. */
export type ConvReluPoolCache = { readonly conv: ConvFastCache; readonly relu: ReluCache; readonly pool: PoolFastCache };

/**
 * Convolution (lib/fastLayers) followed by ReLU. x: (N, C, H, W), w: (F, C, HH, WW), b: (F,).
 * Returns [out (N, F, H', W'), cache].
 */
export function convReluForward(x: Tensor, w: Tensor, b: Tensor, convParam: ConvParam): [Tensor, ConvReluCache] {
  // BEGIN SOLUTION
  const [a, conv] = convForwardFast(x, w, b, convParam);
  const [out, relu] = reluForward(a);
  return [out, { conv, relu }];
  // END SOLUTION
}

/** Backward of convReluForward. dout: (N, F, H', W'). Returns [dx, dw, db]. */
export function convReluBackward(dout: Tensor, cache: ConvReluCache): [Tensor, Tensor, Tensor] {
  // BEGIN SOLUTION
  return convBackwardFast(reluBackward(dout, cache.relu), cache.conv);
  // END SOLUTION
}

/**
 * Convolution, ReLU, then max pooling (lib/fastLayers). x: (N, C, H, W), w: (F, C, HH, WW), b: (F,).
 * Returns [out (N, F, H'', W''), cache].
 */
export function convReluPoolForward(x: Tensor, w: Tensor, b: Tensor, convParam: ConvParam, poolParam: PoolParam): [Tensor, ConvReluPoolCache] {
  // BEGIN SOLUTION
  const [a, conv] = convForwardFast(x, w, b, convParam);
  const [s, relu] = reluForward(a);
  const [out, pool] = maxPoolForwardFast(s, poolParam);
  return [out, { conv, relu, pool }];
  // END SOLUTION
}

/** Backward of convReluPoolForward. dout: (N, F, H'', W''). Returns [dx, dw, db]. */
export function convReluPoolBackward(dout: Tensor, cache: ConvReluPoolCache): [Tensor, Tensor, Tensor] {
  // BEGIN SOLUTION
  const ds = maxPoolBackwardFast(dout, cache.pool);
  return convBackwardFast(reluBackward(ds, cache.relu), cache.conv);
  // END SOLUTION
}
// END ASSIGNMENT

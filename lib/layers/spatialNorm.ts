// ASSIGNMENT assignment2
/**
 * Normalization of convolutional feature maps, cs231n's spatial_batchnorm_forward/backward and
 * spatial_groupnorm_forward/backward. x: (N, C, H, W).
 *
 * Spatial batchnorm normalizes each channel over the N·H·W values it takes in a minibatch (the
 * vanilla batchnorm on x viewed as (N·H·W, C)). Spatial group norm (Wu & He 2018) splits the C
 * channels of each example into G groups of C/G channels and normalizes each group over its
 * C/G·H·W values, like layernorm on a part of the channels; train and test are the same.
 * Intermediates belong to the caller's `tf.tidy` (batchnorm keeps its running statistics, see
 * lib/layers/batchnorm).
 */
import { Tensor } from "../tf";
import { batchnormForward, batchnormBackwardAlt, BnParam, BatchnormCache } from "./batchnorm";

/** Options of a group normalization layer (cs231n's gn_param). */
export interface GnParam {
  /** added to the variance before the square root (default 1e-5) */
  eps?: number;
}

/** Cache of spatialBatchnormForward (opaque to callers). */
export type SpatialBatchnormCache = { readonly kind: "spatialBatchnorm"; readonly bn: BatchnormCache };

/** Cache of spatialGroupnormForward (opaque to callers). */
export type SpatialGroupnormCache = {
  readonly kind: "spatialGroupnorm";
  readonly G: number;
  /** normalized input, (N, C, H, W) */
  readonly xhat: Tensor;
  /** sqrt(var + eps) of each group, (N, G, 1) */
  readonly std: Tensor;
  /** (1, C, 1, 1) */
  readonly gamma: Tensor;
};

function shape4(x: Tensor, fn: string): [number, number, number, number] {
  if (x.rank !== 4) throw new Error(`${fn}: x must be (N, C, H, W), got shape (${x.shape.join(", ")})`);
  return x.shape as [number, number, number, number];
}

/**
 * Spatial batchnorm forward. x: (N, C, H, W); gamma, beta: (C,); bnParam as for batchnormForward
 * (mode, eps, momentum, running statistics of shape (C,)). Returns [out (N, C, H, W), cache].
 */
export function spatialBatchnormForward(x: Tensor, gamma: Tensor, beta: Tensor, bnParam: BnParam): [Tensor, SpatialBatchnormCache] {
  const [N, C, H, W] = shape4(x, "spatialBatchnormForward");
  if (gamma.size !== C || beta.size !== C) throw new Error(`spatialBatchnormForward: gamma and beta must have C = ${C} entries`);
  // BEGIN SOLUTION (move the channels last, view x as (N*H*W, C), run the vanilla batchnorm, move them back)
  const rows = x.transpose([0, 2, 3, 1]).reshape([N * H * W, C]);
  const [o, bn] = batchnormForward(rows, gamma, beta, bnParam);
  const out = o.reshape([N, H, W, C]).transpose([0, 3, 1, 2]);
  return [out, { kind: "spatialBatchnorm", bn }];
  // END SOLUTION
}

/** Spatial batchnorm backward. dout: (N, C, H, W). Returns [dx (N, C, H, W), dgamma (C,), dbeta (C,)]. */
export function spatialBatchnormBackward(dout: Tensor, cache: SpatialBatchnormCache): [Tensor, Tensor, Tensor] {
  const [N, C, H, W] = shape4(dout, "spatialBatchnormBackward");
  // BEGIN SOLUTION
  const rows = dout.transpose([0, 2, 3, 1]).reshape([N * H * W, C]);
  const [d, dgamma, dbeta] = batchnormBackwardAlt(rows, cache.bn);
  const dx = d.reshape([N, H, W, C]).transpose([0, 3, 1, 2]);
  return [dx, dgamma, dbeta];
  // END SOLUTION
}

/**
 * Spatial group norm forward. x: (N, C, H, W); gamma, beta: (1, C, 1, 1); G: number of groups,
 * dividing C (channels c·C/G … (c+1)·C/G - 1 form group c); gnParam: eps.
 * Per example and group, xhat = (x - mean) / sqrt(var + eps) over the group's C/G·H·W values (biased
 * variance); out = gamma * xhat + beta (per channel). Returns [out (N, C, H, W), cache].
 */
export function spatialGroupnormForward(x: Tensor, gamma: Tensor, beta: Tensor, G: number, gnParam: GnParam = {}): [Tensor, SpatialGroupnormCache] {
  const fn = "spatialGroupnormForward";
  const [N, C, H, W] = shape4(x, fn);
  if (!(Number.isInteger(G) && G >= 1 && C % G === 0)) throw new Error(`${fn}: G must be a positive integer dividing C = ${C}, got ${G}`);
  if (gamma.size !== C || beta.size !== C) throw new Error(`${fn}: gamma and beta must be (1, ${C}, 1, 1)`);
  const eps = gnParam.eps ?? 1e-5;
  // BEGIN SOLUTION (view x as (N, G, C/G*H*W), normalize each row, view it back, scale and shift per channel)
  const groups = x.reshape([N, G, (C / G) * H * W]);
  const mean = groups.mean(2, true);
  const xc = groups.sub(mean);
  const std = xc.square().mean(2, true).add(eps).sqrt();
  const xhat = xc.div(std).reshape([N, C, H, W]);
  const g = gamma.reshape([1, C, 1, 1]);
  const out = xhat.mul(g).add(beta.reshape([1, C, 1, 1]));
  return [out, { kind: "spatialGroupnorm", G, xhat, std, gamma: g }];
  // END SOLUTION
}

/**
 * Spatial group norm backward. dout: (N, C, H, W).
 * Returns [dx (N, C, H, W), dgamma (1, C, 1, 1), dbeta (1, C, 1, 1)].
 */
export function spatialGroupnormBackward(dout: Tensor, cache: SpatialGroupnormCache): [Tensor, Tensor, Tensor] {
  const [N, C, H, W] = shape4(dout, "spatialGroupnormBackward");
  const { G, xhat, std, gamma } = cache;
  // BEGIN SOLUTION (dgamma, dbeta sum over N, H, W; dx is layernorm's closed form over each group's M = C/G*H*W values)
  const dbeta = dout.sum([0, 2, 3], true);
  const dgamma = dout.mul(xhat).sum([0, 2, 3], true);
  const M = (C / G) * H * W;
  const dxhat = dout.mul(gamma).reshape([N, G, M]);
  const xh = xhat.reshape([N, G, M]);
  const dx = dxhat.mul(M).sub(dxhat.sum(2, true)).sub(xh.mul(dxhat.mul(xh).sum(2, true))).div(std.mul(M)).reshape([N, C, H, W]);
  return [dx, dgamma, dbeta];
  // END SOLUTION
}

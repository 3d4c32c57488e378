// ASSIGNMENT assignment2
/**
 * Layer normalization (Ba, Kiros & Hinton 2016), cs231n's layernorm_forward / layernorm_backward.
 * Each example (row of x) is normalized over its D features; train and test are the same, and no
 * running statistics are kept. x: (N, D); gamma, beta: (D,).
 * Intermediates belong to the caller's `tf.tidy`.
 */
import { Tensor } from "../tf";

/** Options of one layernorm layer (cs231n's ln_param). */
export interface LnParam {
  /** added to the variance before the square root (default 1e-5) */
  eps?: number;
}

/** What layernormBackward needs (opaque to callers). */
export type LayernormCache = {
  readonly kind: "layernorm";
  /** normalized input, (N, D) */
  readonly xhat: Tensor;
  /** sqrt(var + eps) of each row, (N, 1) */
  readonly std: Tensor;
  readonly gamma: Tensor;
};

/**
 * Layernorm forward: per row, xhat = (x - mean) / sqrt(var + eps) over the D features; out =
 * gamma * xhat + beta. Returns [out (N, D), cache].
 */
export function layernormForward(x: Tensor, gamma: Tensor, beta: Tensor, lnParam: LnParam = {}): [Tensor, LayernormCache] {
  if (x.rank !== 2) throw new Error(`layernormForward: x must be (N, D), got shape (${x.shape.join(", ")})`);
  const eps = lnParam.eps ?? 1e-5;
  // BEGIN SOLUTION
  const mean = x.mean(1, true);
  const xc = x.sub(mean);
  const std = xc.square().mean(1, true).add(eps).sqrt();
  const xhat = xc.div(std);
  const out = xhat.mul(gamma).add(beta);
  return [out, { kind: "layernorm", xhat, std, gamma }];
  // END SOLUTION
}

/** Layernorm backward. dout: (N, D). Returns [dx (N, D), dgamma (D,), dbeta (D,)]. */
export function layernormBackward(dout: Tensor, cache: LayernormCache): [Tensor, Tensor, Tensor] {
  const { xhat, std, gamma } = cache;
  const D = dout.shape[1] as number;
  // BEGIN SOLUTION
  const dbeta = dout.sum(0);
  const dgamma = dout.mul(xhat).sum(0);
  // batchnorm's closed form, over each row's D features instead of each column's N examples
  const dxhat = dout.mul(gamma);
  const dx = dxhat.mul(D).sub(dxhat.sum(1, true)).sub(xhat.mul(dxhat.mul(xhat).sum(1, true))).div(std.mul(D));
  return [dx, dgamma, dbeta];
  // END SOLUTION
}

// ASSIGNMENT assignment2
/**
 * Batch normalization (Ioffe & Szegedy 2015), cs231n's batchnorm_forward / batchnorm_backward /
 * batchnorm_backward_alt. x: (N, D); gamma, beta: (D,).
 *
 * Training mode normalizes with the minibatch's mean and (biased, 1/N) variance and updates running
 * averages kept in `bnParam`:
 *     runningMean = momentum * runningMean + (1 - momentum) * sampleMean   (same for the variance)
 * Test mode normalizes with the running averages. Defaults follow the course (momentum 0.9,
 * eps 1e-5, running statistics starting at zeros), not tf.layers.batchNormalization (0.99, 1e-3,
 * variance starting at ones).
 *
 * Tensor lifetime: intermediates belong to the caller's `tf.tidy`; the running statistics are state
 * that outlives it: the forward keeps the new ones (`tf.keep`) and disposes the ones they replace.
 */
import { tf, Tensor } from "../tf";

/** State and options of one batchnorm layer (cs231n's bn_param). */
export interface BnParam {
  /** "train" uses batch statistics and updates the running ones; "test" uses the running ones */
  mode: "train" | "test";
  /** added to the variance before the square root (default 1e-5) */
  eps?: number;
  /** weight of the old running average in each update (default 0.9) */
  momentum?: number;
  /** running mean (D,): zeros until the first training-mode call */
  runningMean?: Tensor;
  /** running variance (D,): zeros until the first training-mode call */
  runningVar?: Tensor;
}

/** What batchnormBackward needs from a training-mode forward (opaque to callers). */
export type BatchnormCache = {
  readonly kind: "batchnorm";
  /** normalized input (x - mean) / std, (N, D) */
  readonly xhat: Tensor;
  /** centred input x - mean, (N, D) */
  readonly xc: Tensor;
  /** sqrt(var + eps), (D,) */
  readonly std: Tensor;
  readonly gamma: Tensor;
};

/** Replaces a running statistic: keeps the new tensor beyond the caller's tidy, disposes the old one. */
function replaceState(old: Tensor | undefined, next: Tensor): Tensor {
  if (old !== next) {
    tf.keep(next);
    if (old && !old.isDisposed) old.dispose();
  }
  return next;
}

/**
 * Batchnorm forward. x: (N, D), gamma: (D,), beta: (D,), bnParam: mode and state (updated in
 * place in training mode). Returns [out (N, D), cache]; out = gamma * xhat + beta.
 */
export function batchnormForward(x: Tensor, gamma: Tensor, beta: Tensor, bnParam: BnParam): [Tensor, BatchnormCache] {
  if (x.rank !== 2) throw new Error(`batchnormForward: x must be (N, D), got shape (${x.shape.join(", ")})`);
  const D = x.shape[1] as number;
  const eps = bnParam.eps ?? 1e-5;
  const momentum = bnParam.momentum ?? 0.9;
  const runningMean = bnParam.runningMean ?? tf.zeros([D]);
  const runningVar = bnParam.runningVar ?? tf.zeros([D]);
  let out: Tensor;
  let cache: BatchnormCache;
  let nextMean = runningMean;
  let nextVar = runningVar;
  if (bnParam.mode === "train") {
    // BEGIN SOLUTION (training mode: normalize with the batch mean and variance, scale and shift, update the running averages)
    const mean = x.mean(0);
    const xc = x.sub(mean);
    const variance = xc.square().mean(0);
    const std = variance.add(eps).sqrt();
    const xhat = xc.div(std);
    out = xhat.mul(gamma).add(beta);
    cache = { kind: "batchnorm", xhat, xc, std, gamma };
    nextMean = runningMean.mul(momentum).add(mean.mul(1 - momentum));
    nextVar = runningVar.mul(momentum).add(variance.mul(1 - momentum));
    // END SOLUTION
  } else if (bnParam.mode === "test") {
    // BEGIN SOLUTION (test mode: normalize with the running mean and variance, scale and shift)
    const xc = x.sub(runningMean);
    const std = runningVar.add(eps).sqrt();
    const xhat = xc.div(std);
    out = xhat.mul(gamma).add(beta);
    cache = { kind: "batchnorm", xhat, xc, std, gamma };
    // END SOLUTION
  } else {
    throw new Error(`batchnormForward: invalid mode "${String(bnParam.mode)}" (use "train" or "test")`);
  }
  bnParam.runningMean = replaceState(bnParam.runningMean, nextMean);
  bnParam.runningVar = replaceState(bnParam.runningVar, nextVar);
  return [out, cache];
}

/**
 * Batchnorm backward through the computation graph, node by node (mean, centring, variance, square
 * root, division, scale and shift). dout: (N, D). Returns [dx (N, D), dgamma (D,), dbeta (D,)].
 */
export function batchnormBackward(dout: Tensor, cache: BatchnormCache): [Tensor, Tensor, Tensor] {
  const { xhat, xc, std, gamma } = cache;
  const N = dout.shape[0];
  // BEGIN SOLUTION
  const dbeta = dout.sum(0);
  const dgamma = dout.mul(xhat).sum(0);
  const dxhat = dout.mul(gamma);
  // xhat = xc * invStd
  const invStd = std.reciprocal();
  const dinvStd = dxhat.mul(xc).sum(0);
  const dxc1 = dxhat.mul(invStd);
  // invStd = 1 / std;  std = sqrt(var + eps);  var = mean(xc²)
  const dstd = dinvStd.neg().div(std.square());
  const dvar = dstd.mul(0.5).div(std);
  const dxc2 = xc.mul(2 / N).mul(dvar);
  // xc = x - mean;  mean = sum(x) / N
  const dxc = dxc1.add(dxc2);
  const dmean = dxc.sum(0).neg();
  const dx = dxc.add(dmean.div(N));
  return [dx, dgamma, dbeta];
  // END SOLUTION
}

/**
 * Batchnorm backward in closed form (derived on paper; fewer operations than the graph):
 * dx = (1/N) / std * (N dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) with dxhat = dout * gamma.
 * Same contract as batchnormBackward.
 */
export function batchnormBackwardAlt(dout: Tensor, cache: BatchnormCache): [Tensor, Tensor, Tensor] {
  const { xhat, std, gamma } = cache;
  const N = dout.shape[0];
  // BEGIN SOLUTION
  const dbeta = dout.sum(0);
  const dgamma = dout.mul(xhat).sum(0);
  const dx = dout.mul(N).sub(dbeta).sub(xhat.mul(dgamma)).mul(gamma.div(std.mul(N)));
  return [dx, dgamma, dbeta];
  // END SOLUTION
}

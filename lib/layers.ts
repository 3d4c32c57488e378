/**
 * Layers as forward/backward pairs (cs231n's layers.py), on float32 tensors.
 *
 * Every forward returns `[out, cache]` and every backward takes `(dout, cache)`. Caches are opaque
 * to callers: they hold references to the forward's inputs (not copies), so keep those inputs alive
 * until the backward pass has run. Outputs are new tensors that the caller owns and disposes.
 *
 * Assignment 2 adds batch/layer normalization, dropout, convolution and pooling to this module.
 */
import { tf, Tensor } from "./tf";

/** Cache of affineForward: the inputs x (original shape), w, b. */
export type AffineCache = { readonly kind: "affine"; readonly x: Tensor; readonly w: Tensor; readonly b: Tensor };
/** Cache of reluForward: the input x. */
export type ReluCache = { readonly kind: "relu"; readonly x: Tensor };

/**
 * Affine (fully connected) layer forward: out = x.reshape(N, D) · w + b.
 * x: (N, d1, ..., dk) with D = d1*...*dk; w: (D, M); b: (M,). Returns out (N, M) and the cache.
 */
export function affineForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineCache] {
  const cache: AffineCache = { kind: "affine", x, w, b };
  // BEGIN SOLUTION
  const out = tf.tidy(() => {
    const N = x.shape[0];
    return x.reshape([N, -1]).matMul(w).add(b);
  });
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
  return tf.tidy(() => {
    const N = x.shape[0];
    const xFlat = x.reshape([N, -1]);
    const dx = dout.matMul(w, false, true).reshape(x.shape);
    const dw = xFlat.matMul(dout, true, false);
    const db = dout.sum(0);
    return [dx, dw, db] as [Tensor, Tensor, Tensor];
  });
  // END SOLUTION
}

/** ReLU forward: out = max(0, x), elementwise, any shape. Returns [out, cache]. */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  const cache: ReluCache = { kind: "relu", x };
  // BEGIN SOLUTION
  const out = tf.relu(x);
  return [out, cache];
  // END SOLUTION
}

/** ReLU backward: dx = dout where x > 0, else 0 (shape of x). */
export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  const { x } = cache;
  // BEGIN SOLUTION
  return tf.tidy(() => dout.mul(x.greater(0).cast("float32")));
  // END SOLUTION
}

function scalarOf(t: Tensor): number {
  const v = (t.dataSync() as ArrayLike<number>)[0];
  t.dispose();
  return v;
}

/**
 * Multiclass SVM (hinge) loss: mean over N of sum_{j != y_i} max(0, x_ij - x_{i,y_i} + 1).
 * x: (N, C) scores; y: (N,) int32 labels in [0, C). Returns [loss, dx (N, C)].
 */
export function svmLoss(x: Tensor, y: Tensor): [number, Tensor] {
  // BEGIN SOLUTION
  const [lossT, dx] = tf.tidy(() => {
    const [N, C] = x.shape as [number, number];
    const onehot = tf.oneHot(y.cast("int32"), C).cast("float32");
    const correct = x.mul(onehot).sum(1, true);
    const margins = x.sub(correct).add(1).relu().mul(tf.scalar(1).sub(onehot));
    const loss = margins.sum().div(N);
    const pos = margins.greater(0).cast("float32");
    const grad = pos.sub(onehot.mul(pos.sum(1, true))).div(N);
    return [loss, grad] as [Tensor, Tensor];
  });
  return [scalarOf(lossT), dx];
  // END SOLUTION
}

/**
 * Softmax (cross-entropy) loss: mean over N of -log softmax(x_i)[y_i], computed stably.
 * x: (N, C) scores; y: (N,) int32 labels in [0, C). Returns [loss, dx (N, C)].
 */
export function softmaxLoss(x: Tensor, y: Tensor): [number, Tensor] {
  // BEGIN SOLUTION
  const [lossT, dx] = tf.tidy(() => {
    const [N, C] = x.shape as [number, number];
    const onehot = tf.oneHot(y.cast("int32"), C).cast("float32");
    const shifted = x.sub(x.max(1, true));
    const logProbs = shifted.sub(shifted.exp().sum(1, true).log());
    const loss = logProbs.mul(onehot).sum().neg().div(N);
    const grad = logProbs.exp().sub(onehot).div(N);
    return [loss, grad] as [Tensor, Tensor];
  });
  return [scalarOf(lossT), dx];
  // END SOLUTION
}

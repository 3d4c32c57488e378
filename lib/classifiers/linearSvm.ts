/**
 * Multiclass SVM (hinge) loss for a linear classifier (cs231n's linear_svm.py).
 *
 * W (D, C) float32 weights, X (N, D) float32 data (one row per example; with the bias trick the last
 * column is 1), y (N,) int32 labels in 0..C-1, reg the L2 strength. Returns `[loss, dW]`:
 * loss = (1/N) sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + 1) + reg * sum(W * W) with s = X[i] W,
 * and dW (D, C) float32, the gradient of that loss (including 2 * reg * W).
 */
import { tf, Tensor } from "../tf";
import { readScalar } from "../util";

/**
 * Naive SVM loss: explicit loops over examples and classes on the tensors' data (JS arrays,
 * accumulated in float64). Same contract as svmLossVectorized.
 */
export function svmLossNaive(W: Tensor, X: Tensor, y: Tensor, reg: number): [number, Tensor] {
  const [D, C] = W.shape as number[];
  const N = X.shape[0] as number;
  const w = W.dataSync() as Float32Array;
  const x = X.dataSync() as Float32Array;
  const labels = y.dataSync() as Int32Array;
  // BEGIN SOLUTION
  const dW = new Float64Array(D * C);
  const scores = new Float64Array(C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    scores.fill(0);
    for (let d = 0; d < D; d++) {
      const xv = x[i * D + d];
      if (xv === 0) continue;
      for (let j = 0; j < C; j++) scores[j] += xv * w[d * C + j];
    }
    const yi = labels[i];
    for (let j = 0; j < C; j++) {
      if (j === yi) continue;
      const margin = scores[j] - scores[yi] + 1; // delta = 1
      if (margin > 0) {
        loss += margin;
        for (let d = 0; d < D; d++) {
          dW[d * C + j] += x[i * D + d];
          dW[d * C + yi] -= x[i * D + d];
        }
      }
    }
  }
  loss /= N;
  let wsq = 0;
  for (let k = 0; k < D * C; k++) {
    wsq += w[k] * w[k];
    dW[k] = dW[k] / N + 2 * reg * w[k];
  }
  loss += reg * wsq;
  return [loss, tf.tensor2d(Float32Array.from(dW), [D, C])];
  // END SOLUTION
}

/**
 * Vectorized SVM loss with tensor operations only (no loops). Same contract as svmLossNaive.
 */
export function svmLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): [number, Tensor] {
  // BEGIN SOLUTION
  const N = X.shape[0] as number;
  const C = W.shape[1] as number;
  const [lossT, dW] = tf.tidy(() => {
    const scores = tf.matMul(X, W); // (N, C)
    const onehot = tf.oneHot(tf.cast(y, "int32"), C).toFloat(); // (N, C)
    const correct = scores.mul(onehot).sum(1, true); // (N, 1)
    const margins = scores.sub(correct).add(1).relu().mul(tf.scalar(1).sub(onehot)); // (N, C)
    const loss = margins.sum().div(N).add(W.square().sum().mul(reg));
    const positive = margins.greater(0).toFloat(); // (N, C)
    const coef = positive.sub(onehot.mul(positive.sum(1, true))); // dL_i/ds
    const grad = tf.matMul(X, coef, true, false).div(N).add(W.mul(2 * reg));
    return [loss, grad] as [Tensor, Tensor];
  });
  return [readScalar(lossT), dW];
  // END SOLUTION
}

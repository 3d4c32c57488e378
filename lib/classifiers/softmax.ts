/**
 * Softmax (cross-entropy) loss for a linear classifier (cs231n's softmax.py).
 *
 * W (D, C) float32, X (N, D) float32, y (N,) int32 in 0..C-1, reg the L2 strength. Returns
 * `[loss, dW]`: loss = (1/N) sum_i -log(softmax(X[i] W)[y_i]) + reg * sum(W * W), dW (D, C) float32
 * its gradient (including 2 * reg * W). Both versions are numerically stable (scores are shifted
 * by their row maximum before exponentiating).
 */
import { tf, Tensor } from "../tf";
import { readScalar } from "../util";

/**
 * Naive softmax loss: explicit loops over examples and classes on the tensors' data (JS arrays,
 * accumulated in float64). Same contract as softmaxLossVectorized.
 */
export function softmaxLossNaive(W: Tensor, X: Tensor, y: Tensor, reg: number): [number, Tensor] {
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
    let max = -Infinity;
    for (let j = 0; j < C; j++) max = Math.max(max, scores[j]);
    let sum = 0;
    for (let j = 0; j < C; j++) {
      scores[j] = scores[j] - max;
      sum += Math.exp(scores[j]);
    }
    const yi = labels[i];
    loss -= scores[yi] - Math.log(sum); // log-softmax of the shifted scores
    for (let j = 0; j < C; j++) scores[j] = Math.exp(scores[j]);
    for (let j = 0; j < C; j++) {
      const coef = scores[j] / sum - (j === yi ? 1 : 0);
      for (let d = 0; d < D; d++) dW[d * C + j] += coef * x[i * D + d];
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
 * Vectorized softmax loss with tensor operations only (no loops). Same contract as softmaxLossNaive.
 */
export function softmaxLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): [number, Tensor] {
  // BEGIN SOLUTION
  const N = X.shape[0] as number;
  const C = W.shape[1] as number;
  const [lossT, dW] = tf.tidy(() => {
    const scores = tf.matMul(X, W); // (N, C)
    const shifted = scores.sub(scores.max(1, true));
    const logProbs = shifted.sub(shifted.exp().sum(1, true).log()); // (N, C)
    const onehot = tf.oneHot(tf.cast(y, "int32"), C).toFloat();
    const loss = logProbs.mul(onehot).sum().neg().div(N).add(W.square().sum().mul(reg));
    const dScores = logProbs.exp().sub(onehot).div(N);
    const grad = tf.matMul(X, dScores, true, false).add(W.mul(2 * reg));
    return [loss, grad] as [Tensor, Tensor];
  });
  return [readScalar(lossT), dW];
  // END SOLUTION
}

/**
 * Loss layers on class scores, cs231n's svm_loss / softmax_loss: each returns [loss, dx] with the
 * loss averaged over the minibatch. x: (N, C) scores; y: (N,) int32 labels in [0, C).
 * Intermediate tensors belong to the caller's scope (run inside `tf.tidy`).
 */
import { tf, Tensor } from "../tf";
import { readScalar } from "../util";

/**
 * Multiclass SVM (hinge) loss: mean over N of sum_{j != y_i} max(0, x_ij - x_{i,y_i} + 1).
 * Returns [loss, dx (N, C)].
 */
export function svmLoss(x: Tensor, y: Tensor): [number, Tensor] {
  // BEGIN SOLUTION
  const [N, C] = x.shape as [number, number];
  const onehot = tf.oneHot(y.cast("int32"), C).cast("float32");
  const correct = x.mul(onehot).sum(1, true);
  const margins = x.sub(correct).add(1).relu().mul(tf.scalar(1).sub(onehot));
  const loss = readScalar(margins.sum().div(N));
  const pos = margins.greater(0).cast("float32");
  const dx = pos.sub(onehot.mul(pos.sum(1, true))).div(N);
  return [loss, dx];
  // END SOLUTION
}

/**
 * Softmax (cross-entropy) loss: mean over N of -log softmax(x_i)[y_i], computed stably.
 * Returns [loss, dx (N, C)].
 */
export function softmaxLoss(x: Tensor, y: Tensor): [number, Tensor] {
  // BEGIN SOLUTION
  const [N, C] = x.shape as [number, number];
  const onehot = tf.oneHot(y.cast("int32"), C).cast("float32");
  const shifted = x.sub(x.max(1, true));
  const logProbs = shifted.sub(shifted.exp().sum(1, true).log());
  const loss = readScalar(logProbs.mul(onehot).sum().neg().div(N));
  const dx = logProbs.exp().sub(onehot).div(N);
  return [loss, dx];
  // END SOLUTION
}

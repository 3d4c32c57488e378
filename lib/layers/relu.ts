/**
 * Rectified linear unit, cs231n's relu_forward / relu_backward (any shape).
 * Intermediate tensors belong to the caller's scope (run inside `tf.tidy`).
 */
import { Tensor } from "../tf";

/** Cache of reluForward: the input x. Opaque to callers. */
export type ReluCache = { readonly kind: "relu"; readonly x: Tensor };

/** ReLU forward: out = max(0, x), elementwise. Returns [out (shape of x), cache]. */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  const cache: ReluCache = { kind: "relu", x };
  // BEGIN SOLUTION
  const out = x.relu();
  return [out, cache];
  // END SOLUTION
}

/** ReLU backward: dx = dout where x > 0, else 0 (shape of x). */
export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  const { x } = cache;
  // BEGIN SOLUTION
  return dout.mul(x.greater(0).cast("float32"));
  // END SOLUTION
}

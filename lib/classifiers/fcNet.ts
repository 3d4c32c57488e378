/**
 * Fully connected networks (cs231n's fc_net.py): TwoLayerNet (assignment 1);
 * FullyConnectedNet is added by assignment 2. Both implement Solver's `Model`.
 */
import { tf, Tensor } from "../tf";
import { affineForward, affineBackward, softmaxLoss } from "../layers";
import { affineReluForward, affineReluBackward } from "../layerUtils";
import { readScalar } from "../util";
import type { Model } from "../solver";

export interface TwoLayerNetOptions {
  /** input size D (default 3*32*32) */
  inputDim?: number;
  /** hidden layer size H (default 100) */
  hiddenDim?: number;
  /** number of classes C (default 10) */
  numClasses?: number;
  /** standard deviation of the initial weights (default 1e-3) */
  weightScale?: number;
  /** L2 regularization strength (default 0) */
  reg?: number;
  /** seed of the weight initialization (random when absent) */
  seed?: number;
}

/**
 * Two-layer net: affine - relu - affine - softmax, with L2 regularization 0.5 * reg * sum(W²).
 * params: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); weights ~ N(0, weightScale²), biases zero.
 */
export class TwoLayerNet implements Model {
  params: Record<string, Tensor>;
  reg: number;

  constructor(opts: TwoLayerNetOptions = {}) {
    const { inputDim = 3 * 32 * 32, hiddenDim = 100, numClasses = 10, weightScale = 1e-3, reg = 0, seed } = opts;
    this.reg = reg;
    this.params = {
      // tfjs treats seed 0 as "no seed", so map seeds to positive values
      W1: tf.randomNormal([inputDim, hiddenDim], 0, weightScale, "float32", seed === undefined ? undefined : 2 * seed + 1),
      b1: tf.zeros([hiddenDim]),
      W2: tf.randomNormal([hiddenDim, numClasses], 0, weightScale, "float32", seed === undefined ? undefined : 2 * seed + 2),
      b2: tf.zeros([numClasses]),
    };
  }

  /**
   * X: (N, d1..dk) with prod(d) = inputDim, e.g. (N, 3, 32, 32) or (N, D).
   * Without y returns scores (N, C). With y ((N,) int32) returns [loss (data + regularization),
   * grads with the keys of params] — new tensors the caller disposes.
   */
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Tensor): [number, Record<string, Tensor>];
  loss(X: Tensor, y?: Tensor): Tensor | [number, Record<string, Tensor>] {
    const { W1, b1, W2, b2 } = this.params;
    const reg = this.reg;
    // intermediate tensors (caches, unregularized gradients) are freed when the tidy ends
    return tf.tidy(() => {
      // BEGIN SOLUTION
      const [h, c1] = affineReluForward(X, W1, b1);
      const [scores, c2] = affineForward(h, W2, b2);
      if (y === undefined) return scores;
      const [dataLoss, dscores] = softmaxLoss(scores, y);
      const loss = dataLoss + readScalar(W1.square().sum().add(W2.square().sum()).mul(0.5 * reg));
      const [dh, dW2, db2] = affineBackward(dscores, c2);
      const [, dW1, db1] = affineReluBackward(dh, c1);
      const grads = { W1: dW1.add(W1.mul(reg)), b1: db1, W2: dW2.add(W2.mul(reg)), b2: db2 };
      return [loss, grads] as [number, Record<string, Tensor>];
      // END SOLUTION
    });
  }
}

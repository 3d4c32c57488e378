// ASSIGNMENT assignment2
/**
 * A three-layer convolutional network (cs231n's cnn.py), a Solver `Model`:
 *     conv - relu - 2x2 max pool - affine - relu - affine - softmax
 * on NCHW images. The convolution keeps the spatial size (stride 1, pad (filterSize - 1) / 2), the
 * pool halves it. Built on the fast layers (lib/layerUtils' conv sandwich).
 */
import { tf, Tensor } from "../tf";
import { affineForward, affineBackward, softmaxLoss, reluBackward } from "../layers";
import { affineReluForward, affineReluBackward, convReluPoolForward, convReluPoolBackward } from "../layerUtils";
import { maxPoolBackwardFast, convBackwardFastParams } from "../fastLayers";
import { readScalar } from "../util";
import type { Model } from "../solver";

export interface ThreeLayerConvNetOptions {
  /** (C, H, W) of the input images (default [3, 32, 32]) */
  inputDim?: [number, number, number];
  /** number of convolution filters F (default 32) */
  numFilters?: number;
  /** height and width of the (square, odd-sized) filters (default 7) */
  filterSize?: number;
  /** size of the hidden affine layer (default 100) */
  hiddenDim?: number;
  /** number of classes (default 10) */
  numClasses?: number;
  /** standard deviation of the initial weights (default 1e-3) */
  weightScale?: number;
  /** L2 regularization strength: loss += 0.5 * reg * (|W1|² + |W2|² + |W3|²) (default 0) */
  reg?: number;
  /** seed of the weight initialization (random when absent) */
  seed?: number;
}

/** The seed of the k-th weight tensor of an initialization seeded by `seed` (tfjs treats 0 as "unseeded"). */
function initSeedFor(seed: number | undefined, k: number): number | undefined {
  return seed === undefined ? undefined : Math.abs(seed) * 1013 + k + 1;
}

/**
 * params (cs231n's keys): W1 (F, C, filterSize, filterSize), b1 (F,), W2 (F·H/2·W/2, hiddenDim), b2
 * (hiddenDim,), W3 (hiddenDim, numClasses), b3 (numClasses,); weights ~ N(0, weightScale²), biases zero.
 */
export class ThreeLayerConvNet implements Model {
  params: Record<string, Tensor>;
  reg: number;
  readonly filterSize: number;

  constructor(opts: ThreeLayerConvNetOptions = {}) {
    const { inputDim = [3, 32, 32], numFilters = 32, filterSize = 7, hiddenDim = 100, numClasses = 10, weightScale = 1e-3, reg = 0, seed } = opts;
    if (!Array.isArray(inputDim) || inputDim.length !== 3) throw new Error(`ThreeLayerConvNet: inputDim must be [C, H, W], got ${JSON.stringify(inputDim)}`);
    if (!(Number.isInteger(filterSize) && filterSize % 2 === 1)) throw new Error(`ThreeLayerConvNet: filterSize must be an odd integer (the conv keeps the size with pad (filterSize - 1) / 2), got ${filterSize}`);
    const [C, H, W] = inputDim;
    if (H % 2 !== 0 || W % 2 !== 0) throw new Error(`ThreeLayerConvNet: the 2x2 pool needs an even height and width, got ${H}x${W}`);
    this.reg = reg;
    this.filterSize = filterSize;
    // BEGIN SOLUTION (W1 (F, C, filterSize, filterSize), W2 (F*H/2*W/2, hiddenDim), W3 (hiddenDim, numClasses) ~ N(0, weightScale²) with tf.randomNormal(shape, 0, weightScale, "float32", initSeedFor(seed, k)); biases zeros)
    const poolOut = numFilters * (H / 2) * (W / 2);
    this.params = {
      W1: tf.randomNormal([numFilters, C, filterSize, filterSize], 0, weightScale, "float32", initSeedFor(seed, 0)),
      b1: tf.zeros([numFilters]),
      W2: tf.randomNormal([poolOut, hiddenDim], 0, weightScale, "float32", initSeedFor(seed, 1)),
      b2: tf.zeros([hiddenDim]),
      W3: tf.randomNormal([hiddenDim, numClasses], 0, weightScale, "float32", initSeedFor(seed, 2)),
      b3: tf.zeros([numClasses]),
    };
    // END SOLUTION
  }

  /**
   * X: (N, C, H, W). Without y returns scores (N, numClasses). With y ((N,) int32) returns [loss
   * (softmax data loss + 0.5 * reg * sum of W²), grads with the keys of params] — new tensors the
   * caller disposes.
   */
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Tensor): [number, Record<string, Tensor>];
  loss(X: Tensor, y?: Tensor): Tensor | [number, Record<string, Tensor>] {
    const { W1, b1, W2, b2, W3, b3 } = this.params;
    const convParam = { stride: 1, pad: (this.filterSize - 1) / 2 };
    const poolParam = { poolHeight: 2, poolWidth: 2, stride: 2 };
    const reg = this.reg;
    // intermediate tensors (caches, unregularized gradients) are freed when the tidy ends
    return tf.tidy(() => {
      // BEGIN SOLUTION
      const [h1, c1] = convReluPoolForward(X, W1, b1, convParam, poolParam);
      const [h2, c2] = affineReluForward(h1, W2, b2);
      const [scores, c3] = affineForward(h2, W3, b3);
      if (y === undefined) return scores;
      const [dataLoss, dscores] = softmaxLoss(scores, y);
      const loss = dataLoss + 0.5 * reg * readScalar(W1.square().sum().add(W2.square().sum()).add(W3.square().sum()));
      const [dh2, dW3, db3] = affineBackward(dscores, c3);
      const [dh1, dW2, db2] = affineReluBackward(dh2, c2);
      // the images need no gradient: convReluPoolBackward(dh1, c1) without its dx (the slowest kernel here)
      const [dW1, db1] = convBackwardFastParams(reluBackward(maxPoolBackwardFast(dh1, c1.pool), c1.relu), c1.conv);
      const grads = { W1: dW1.add(W1.mul(reg)), b1: db1, W2: dW2.add(W2.mul(reg)), b2: db2, W3: dW3.add(W3.mul(reg)), b3: db3 };
      return [loss, grads] as [number, Record<string, Tensor>];
      // END SOLUTION
    });
  }
}

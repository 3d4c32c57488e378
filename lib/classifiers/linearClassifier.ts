/**
 * Linear classifiers trained by minibatch SGD (cs231n's linear_classifier.py).
 * X (N, D) float32 (bias trick: last column of ones), y (N,) int32 in 0..C-1, W (D, C).
 */
import { tf, Tensor } from "../tf";
import { svmLossVectorized } from "./linearSvm";
import { softmaxLossVectorized } from "./softmax";
import { seededRandom } from "../util";

/** Options of LinearClassifier.train. */
export interface LinearTrainOptions {
  /** SGD step size (default 1e-3) */
  learningRate?: number;
  /** L2 regularization strength (default 1e-5) */
  reg?: number;
  /** number of SGD steps (default 100) */
  numIters?: number;
  /** examples per minibatch, sampled with replacement (default 200) */
  batchSize?: number;
  /** print the loss every 100 iterations (default false) */
  verbose?: boolean;
  /** seed for W's initialisation and minibatch sampling (default: unseeded) */
  seed?: number;
}

/** Base class: holds W and runs SGD on the loss that subclasses define. */
export abstract class LinearClassifier {
  /** (D, C) float32 weights, created by the first call to train (0.001 * randn). */
  W: Tensor | null = null;

  /**
   * Trains with minibatch SGD: for numIters steps, samples batchSize rows of X (with replacement),
   * computes [loss, dW] = this.loss(...) and steps W -= learningRate * dW.
   * X (N, D), y (N,) int32. Returns the loss of every iteration.
   */
  train(X: Tensor, y: Tensor, opts: LinearTrainOptions = {}): number[] {
    const { learningRate = 1e-3, reg = 1e-5, numIters = 100, batchSize = 200, verbose = false, seed } = opts;
    const [N, D] = X.shape as number[];
    const labels = y.dataSync() as Int32Array;
    const C = labels.reduce((m, l) => Math.max(m, l), 0) + 1; // assume y takes values 0..C-1
    const rand = seededRandom(seed);
    const lossHistory: number[] = [];
    // BEGIN SOLUTION
    if (this.W === null) {
      // tfjs ignores a seed of 0 (it is falsy), so shift seeds to keep seed 0 reproducible too
      this.W = tf.tidy(() => tf.randomNormal([D, C], 0, 1, "float32", seed === undefined ? undefined : seed + 1).mul(0.001));
    }
    const idx = new Int32Array(batchSize);
    for (let it = 0; it < numIters; it++) {
      for (let b = 0; b < batchSize; b++) idx[b] = Math.floor(rand() * N);
      const W = this.W as Tensor;
      const next = tf.tidy(() => {
        const indices = tf.tensor1d(idx, "int32");
        const XBatch = tf.gather(X, indices);
        const yBatch = tf.gather(y, indices);
        const [loss, grad] = this.loss(XBatch, yBatch, reg);
        lossHistory.push(loss);
        return W.sub(grad.mul(learningRate));
      });
      W.dispose();
      this.W = next;
      if (verbose && it % 100 === 0) console.log(`iteration ${it} / ${numIters}: loss ${lossHistory[it].toFixed(6)}`);
    }
    // END SOLUTION
    return lossHistory;
  }

  /** Predicted labels (N,) int32 for X (N, D): the argmax of the scores X W per row. */
  predict(X: Tensor): Tensor {
    const W = this.W;
    if (W === null) throw new Error("LinearClassifier.predict: train first (W is null)");
    // BEGIN SOLUTION
    return tf.tidy(() => tf.matMul(X, W).argMax(1).toInt());
    // END SOLUTION
  }

  /**
   * Loss and gradient on a minibatch: XBatch (B, D), yBatch (B,) int32, reg. Returns [loss, dW (D, C)].
   * Uses this.W, which train sets before calling it.
   */
  abstract loss(XBatch: Tensor, yBatch: Tensor, reg: number): [number, Tensor];

  /** Frees W. */
  dispose(): void {
    this.W?.dispose();
    this.W = null;
  }
}

function weights(c: LinearClassifier): Tensor {
  if (c.W === null) throw new Error("loss: W is not initialised; call train first");
  return c.W;
}

/** Linear classifier with the multiclass SVM loss (svmLossVectorized). */
export class LinearSVM extends LinearClassifier {
  loss(XBatch: Tensor, yBatch: Tensor, reg: number): [number, Tensor] {
    return svmLossVectorized(weights(this), XBatch, yBatch, reg);
  }
}

/** Linear classifier with the softmax cross-entropy loss (softmaxLossVectorized). */
export class Softmax extends LinearClassifier {
  loss(XBatch: Tensor, yBatch: Tensor, reg: number): [number, Tensor] {
    return softmaxLossVectorized(weights(this), XBatch, yBatch, reg);
  }
}

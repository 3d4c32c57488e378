/**
 * k-nearest-neighbour classifier with L2 distance (cs231n's k_nearest_neighbor.py).
 * Training data X (numTrain, D) float32, labels y (numTrain,) int32; test data X (numTest, D).
 */
import { tf, Tensor } from "../tf";

export class KNearestNeighbor {
  /** (numTrain, D) float32 training data, kept as given (the caller owns it). */
  XTrain: Tensor | null = null;
  /** (numTrain,) int32 training labels. */
  yTrain: Tensor | null = null;

  /** Memorises the training data: X (numTrain, D), y (numTrain,) int32. kNN training is just this. */
  train(X: Tensor, y: Tensor): void {
    if (X.shape.length !== 2) throw new Error(`KNearestNeighbor.train: X must be (N, D), got (${X.shape.join(", ")})`);
    if (y.shape[0] !== X.shape[0]) throw new Error(`KNearestNeighbor.train: ${X.shape[0]} images but ${y.shape[0]} labels`);
    this.XTrain = X;
    this.yTrain = y;
  }

  private trained(): { XTrain: Tensor; yTrain: Tensor } {
    if (!this.XTrain || !this.yTrain) throw new Error("KNearestNeighbor: call train(X, y) first");
    return { XTrain: this.XTrain, yTrain: this.yTrain };
  }

  /**
   * Predicts labels for X (numTest, D) by majority vote of the k nearest training points.
   * numLoops selects the distance implementation (0, 1 or 2). Returns (numTest,) int32.
   */
  predict(X: Tensor, k = 1, numLoops = 0): Tensor {
    let dists: Tensor;
    if (numLoops === 0) dists = this.computeDistancesNoLoops(X);
    else if (numLoops === 1) dists = this.computeDistancesOneLoop(X);
    else if (numLoops === 2) dists = this.computeDistancesTwoLoops(X);
    else throw new Error(`KNearestNeighbor.predict: invalid numLoops ${numLoops} (use 0, 1 or 2)`);
    try {
      return this.predictLabels(dists, k);
    } finally {
      dists.dispose();
    }
  }

  /**
   * L2 distances between every test row of X (numTest, D) and every training row, with a nested
   * loop over test and training rows (one distance at a time). Returns dists (numTest, numTrain)
   * float32, dists[i][j] = ||X[i] - XTrain[j]||.
   */
  computeDistancesTwoLoops(X: Tensor): Tensor {
    const { XTrain } = this.trained();
    const numTest = X.shape[0];
    const numTrain = XTrain.shape[0];
    const D = XTrain.shape[1] as number;
    const te = X.dataSync() as Float32Array;
    const tr = XTrain.dataSync() as Float32Array;
    const dists = new Float32Array(numTest * numTrain);
    // BEGIN SOLUTION
    for (let i = 0; i < numTest; i++) {
      for (let j = 0; j < numTrain; j++) {
        let s = 0;
        const a = i * D;
        const b = j * D;
        for (let d = 0; d < D; d++) {
          const diff = te[a + d] - tr[b + d];
          s += diff * diff;
        }
        dists[i * numTrain + j] = Math.sqrt(s);
      }
    }
    // END SOLUTION
    return tf.tensor2d(dists, [numTest, numTrain]);
  }

  /**
   * Same distances with a single loop over test rows: each iteration computes one row of the
   * distance matrix with tensor operations (broadcasting the test row against XTrain).
   * Returns (numTest, numTrain) float32.
   */
  computeDistancesOneLoop(X: Tensor): Tensor {
    const { XTrain } = this.trained();
    const numTest = X.shape[0];
    const numTrain = XTrain.shape[0];
    const dists = new Float32Array(numTest * numTrain);
    // BEGIN SOLUTION
    for (let i = 0; i < numTest; i++) {
      const row = tf.tidy(() => XTrain.sub(X.slice([i, 0], [1, -1])).square().sum(1).sqrt());
      dists.set(row.dataSync() as Float32Array, i * numTrain);
      row.dispose();
    }
    // END SOLUTION
    return tf.tensor2d(dists, [numTest, numTrain]);
  }

  /**
   * Same distances with no explicit loop, using ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b (one matrix
   * multiply plus broadcast sums). Negative values from float32 rounding are clamped to 0 before
   * the square root. Returns (numTest, numTrain) float32.
   */
  computeDistancesNoLoops(X: Tensor): Tensor {
    const { XTrain } = this.trained();
    return tf.tidy(() => {
      // BEGIN SOLUTION
      const teSq = X.square().sum(1, true); // (numTest, 1)
      const trSq = XTrain.square().sum(1).expandDims(0); // (1, numTrain)
      const cross = tf.matMul(X, XTrain, false, true); // (numTest, numTrain)
      return teSq.add(trSq).sub(cross.mul(2)).relu().sqrt();
      // END SOLUTION
    });
  }

  /**
   * Given dists (numTest, numTrain), predicts each test point's label as the most common label
   * among its k nearest training points; ties between labels go to the smallest label (as
   * numpy's argmax of bincount). Neighbours at equal distance are taken in training order.
   * Returns (numTest,) int32.
   */
  predictLabels(dists: Tensor, k = 1): Tensor {
    const { yTrain } = this.trained();
    const [numTest, numTrain] = dists.shape as number[];
    if (k < 1 || k > numTrain) throw new Error(`KNearestNeighbor.predictLabels: k must be in 1..${numTrain}, got ${k}`);
    const labels = yTrain.dataSync() as Int32Array;
    const yPred = new Int32Array(numTest);
    // BEGIN SOLUTION
    // Indices of the k smallest distances per row (TensorFlow's TopK puts the lower index first on ties).
    const nearest = tf.tidy(() => tf.topk(dists.neg(), k, true).indices);
    const idx = nearest.dataSync() as Int32Array;
    nearest.dispose();
    const counts = new Int32Array(labels.reduce((m, l) => Math.max(m, l), 0) + 1);
    for (let i = 0; i < numTest; i++) {
      counts.fill(0);
      for (let n = 0; n < k; n++) counts[labels[idx[i * k + n]]] += 1;
      let best = 0;
      for (let l = 1; l < counts.length; l++) if (counts[l] > counts[best]) best = l;
      yPred[i] = best;
    }
    // END SOLUTION
    return tf.tensor1d(yPred, "int32");
  }
}

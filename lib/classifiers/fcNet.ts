/**
 * Fully connected networks (cs231n's fc_net.py), each a Solver `Model`: params by name and a loss
 * that runs in its own tf.tidy.
 */
import { tf, Tensor } from "../tf";
import { affineForward, affineBackward, softmaxLoss } from "../layers";
import { affineReluForward, affineReluBackward } from "../layerUtils";
import { readScalar } from "../util";
import type { Model } from "../solver";
// BEGIN ASSIGNMENT assignment2
import { dropoutForward, dropoutBackward } from "../layers";
import type { BnParam, DropoutParam, DropoutCache } from "../layers";
import { affineNormReluForward, affineNormReluBackward } from "../layerUtils";
import type { AffineReluCache, AffineNormReluCache, Normalization } from "../layerUtils";
// END ASSIGNMENT

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

// BEGIN ASSIGNMENT assignment2
export interface FullyConnectedNetOptions {
  /** sizes of the hidden layers, e.g. [100, 100] (one entry per hidden layer; [] is a linear model) */
  hiddenDims: number[];
  /** input size D (default 3*32*32) */
  inputDim?: number;
  /** number of classes C (default 10) */
  numClasses?: number;
  /** probability of KEEPING a unit in the dropout after each ReLU; 1 (default) means no dropout */
  dropoutKeepRatio?: number;
  /** "batchnorm", "layernorm" or null (default): normalization before each ReLU */
  normalization?: Normalization | null;
  /** L2 regularization strength: loss += 0.5 * reg * sum of W² over all weight matrices (default 0) */
  reg?: number;
  /** standard deviation of the initial weights (default 1e-2) */
  weightScale?: number;
  /**
   * the course's seed: fixes the dropout masks (the same mask on every call, for gradient checks)
   * and, unless initSeed is given, the weight initialization
   */
  seed?: number;
  /** seed of the weight initialization only (dropout masks stay random: for reproducible training) */
  initSeed?: number;
}

/** The seed of the k-th random tensor of an initialization seeded by `seed` (tfjs treats 0 as "unseeded"). */
function initSeedFor(seed: number | undefined, k: number): number | undefined {
  return seed === undefined ? undefined : Math.abs(seed) * 1009 + k + 1;
}

/**
 * A fully connected network with any number of hidden layers:
 *     {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
 * params (cs231n's keys): W1..WL, b1..bL, and gamma1..gamma(L-1), beta1..beta(L-1) with normalization.
 * Weights ~ N(0, weightScale²), biases zero, gamma ones, beta zeros.
 */
export class FullyConnectedNet implements Model {
  params: Record<string, Tensor> = {};
  /** number of affine layers L = hiddenDims.length + 1 */
  readonly numLayers: number;
  readonly normalization: Normalization | null;
  readonly useDropout: boolean;
  reg: number;
  /** the dropout layers' parameters (mode set by loss) */
  dropoutParam: DropoutParam;
  /** one parameter object per normalization layer (batchnorm: mode and running statistics) */
  bnParams: BnParam[];

  constructor(opts: FullyConnectedNetOptions) {
    const { hiddenDims, inputDim = 3 * 32 * 32, numClasses = 10, dropoutKeepRatio = 1, normalization = null, reg = 0, weightScale = 1e-2, seed } = opts;
    if (!Array.isArray(hiddenDims)) throw new Error("FullyConnectedNet: hiddenDims must be an array of layer sizes, e.g. [100, 100]");
    if (!(dropoutKeepRatio > 0 && dropoutKeepRatio <= 1)) throw new Error(`FullyConnectedNet: dropoutKeepRatio must be in (0, 1], got ${dropoutKeepRatio}`);
    if (normalization !== null && normalization !== "batchnorm" && normalization !== "layernorm")
      throw new Error(`FullyConnectedNet: normalization must be "batchnorm", "layernorm" or null, got ${JSON.stringify(normalization)}`);
    this.numLayers = hiddenDims.length + 1;
    this.normalization = normalization;
    this.useDropout = dropoutKeepRatio !== 1;
    this.reg = reg;
    const wSeed = opts.initSeed ?? seed;
    const dims = [inputDim, ...hiddenDims, numClasses];
    // BEGIN SOLUTION (initialize W_i ~ N(0, weightScale²) with tf.randomNormal(shape, 0, weightScale, "float32", initSeedFor(wSeed, i)), b_i zeros; gamma_i ones and beta_i zeros for normalized layers)
    for (let i = 0; i < this.numLayers; i++) {
      const k = i + 1;
      this.params[`W${k}`] = tf.randomNormal([dims[i], dims[i + 1]], 0, weightScale, "float32", initSeedFor(wSeed, i));
      this.params[`b${k}`] = tf.zeros([dims[i + 1]]);
      if (normalization && i < this.numLayers - 1) {
        this.params[`gamma${k}`] = tf.ones([dims[i + 1]]);
        this.params[`beta${k}`] = tf.zeros([dims[i + 1]]);
      }
    }
    // END SOLUTION
    this.dropoutParam = seed === undefined ? { mode: "train", p: dropoutKeepRatio } : { mode: "train", p: dropoutKeepRatio, seed };
    this.bnParams = normalization ? hiddenDims.map(() => ({ mode: "train" as const })) : [];
  }

  /**
   * X: (N, d1..dk) with prod(d) = inputDim. Without y: test mode (running batchnorm statistics, no
   * dropout), returns scores (N, C). With y ((N,) int32): training mode, returns [loss (softmax data
   * loss + 0.5 * reg * sum W²), grads with the keys of params].
   */
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Tensor): [number, Record<string, Tensor>];
  loss(X: Tensor, y?: Tensor): Tensor | [number, Record<string, Tensor>] {
    const mode = y === undefined ? "test" : "train";
    this.dropoutParam.mode = mode;
    for (const bp of this.bnParams) bp.mode = mode;
    const p = this.params;
    const L = this.numLayers;
    const reg = this.reg;
    // intermediate tensors (caches, unregularized gradients) are freed when the tidy ends
    return tf.tidy(() => {
      // BEGIN SOLUTION (forward pass through the layers, softmax loss with L2 regularization, backward pass)
      type Hidden = { layer: { kind: "plain"; cache: AffineReluCache } | { kind: "norm"; cache: AffineNormReluCache }; dropout: DropoutCache | null };
      const hidden: Hidden[] = [];
      let h = X;
      for (let k = 1; k < L; k++) {
        let layer: Hidden["layer"];
        if (this.normalization) {
          const [o, cache] = affineNormReluForward(h, p[`W${k}`], p[`b${k}`], p[`gamma${k}`], p[`beta${k}`], this.normalization, this.bnParams[k - 1]);
          [h, layer] = [o, { kind: "norm", cache }];
        } else {
          const [o, cache] = affineReluForward(h, p[`W${k}`], p[`b${k}`]);
          [h, layer] = [o, { kind: "plain", cache }];
        }
        let dropout: DropoutCache | null = null;
        if (this.useDropout) [h, dropout] = dropoutForward(h, this.dropoutParam);
        hidden.push({ layer, dropout });
      }
      const [scores, lastCache] = affineForward(h, p[`W${L}`], p[`b${L}`]);
      if (y === undefined) return scores;

      const [dataLoss, dscores] = softmaxLoss(scores, y);
      let sumSq = tf.scalar(0);
      for (let k = 1; k <= L; k++) sumSq = sumSq.add(p[`W${k}`].square().sum());
      const loss = dataLoss + 0.5 * reg * readScalar(sumSq);
      const grads: Record<string, Tensor> = {};
      let [dh, dW, db] = affineBackward(dscores, lastCache);
      grads[`W${L}`] = dW.add(p[`W${L}`].mul(reg));
      grads[`b${L}`] = db;
      for (let k = L - 1; k >= 1; k--) {
        const { layer, dropout } = hidden[k - 1];
        if (dropout) dh = dropoutBackward(dh, dropout);
        if (layer.kind === "norm") {
          const [dx, dw, dbk, dgamma, dbeta] = affineNormReluBackward(dh, layer.cache);
          [dh, dW, db] = [dx, dw, dbk];
          grads[`gamma${k}`] = dgamma;
          grads[`beta${k}`] = dbeta;
        } else {
          [dh, dW, db] = affineReluBackward(dh, layer.cache);
        }
        grads[`W${k}`] = dW.add(p[`W${k}`].mul(reg));
        grads[`b${k}`] = db;
      }
      return [loss, grads] as [number, Record<string, Tensor>];
      // END SOLUTION
    });
  }
}
// END ASSIGNMENT

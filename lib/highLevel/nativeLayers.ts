// ASSIGNMENT assignment2
/**
 * Drop-in tf.layers for batch normalization and ReLU that run TensorFlow's fused kernels.
 *
 * tfjs runs eagerly, one kernel call per op. Its `tf.layers.batchNormalization` computes the batch
 * statistics and the whole backward pass from ~20 small elementwise ops, and `tf.relu`'s gradient
 * is built from `Step`, itself 6 ops. On tfjs-node both exist as single native kernels
 * (`FusedBatchNormV3` / `FusedBatchNormGradV3`, `ReluGrad`); these layers call them through the
 * backend and register the gradients with `tf.customGrad`. Measured on the 2-CPU machine (CPU time,
 * oneDNN on): batch norm forward+backward on (64, 32, 32, 32) 3x faster, ReLU 1.7x, a whole
 * training step of the notebook's challenge net 1.6x (see README, assignment 2 high-level notebook).
 *
 * Inputs are NHWC (N, H, W, C) or (N, C); normalization is per channel (the last axis) over all other
 * axes, like `tf.layers.batchNormalization` with `axis: -1`. Same weights (gamma, beta, moving_mean,
 * moving_variance), same defaults (momentum 0.99, epsilon 1e-3), same training/inference switch
 * (`apply(x, {training: true})`), so `model.summary()`, `save` and `tf.loadLayersModel` work.
 * Without the native backend (CS231N_BACKEND=cpu/wasm) they fall back to plain tfjs ops.
 */
import type { GradSaveFunc, LayerVariable, Shape, serialization } from "@tensorflow/tfjs-node";
import { tf, Tensor } from "../tf";
import { nativeBackend, NativeBackend, OpAttr } from "../nativeBackend";

function floatAttr(be: NativeBackend, name: string): OpAttr {
  return { name, type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
}

/** ReLU whose gradient is TensorFlow's single `ReluGrad` kernel (tf.relu's is built from Step). */
export function reluNativeOp(x: Tensor): Tensor {
  const be = nativeBackend(tf);
  if (!be) return tf.relu(x);
  return reluCustom(x);
}
const reluCustom = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [x, save] = args as [Tensor, GradSaveFunc];
  const y = tf.relu(x);
  save([y]);
  return {
    value: y,
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const be = nativeBackend(tf) as NativeBackend;
      return be.executeSingleOutput("ReluGrad", [floatAttr(be, "T")], [dy as Tensor, saved[0]]);
    },
  };
}) as (x: Tensor) => Tensor;

function bnAttrs(be: NativeBackend, epsilon: number, training: boolean): OpAttr[] {
  return [
    floatAttr(be, "T"),
    floatAttr(be, "U"),
    { name: "epsilon", type: be.binding.TF_ATTR_FLOAT, value: epsilon },
    { name: "data_format", type: be.binding.TF_ATTR_STRING, value: "NHWC" },
    { name: "is_training", type: be.binding.TF_ATTR_BOOL, value: training },
  ];
}

/** Views (N, C) as (N, 1, 1, C) for the 4-D fused kernels; returns the view and the inverse. */
function as4d(x: Tensor): [Tensor, (y: Tensor) => Tensor] {
  if (x.rank === 4) return [x, (y) => y];
  if (x.rank === 2) return [x.reshape([x.shape[0], 1, 1, x.shape[1] as number]), (y) => y.reshape(x.shape)];
  throw new Error(`batch norm: input must be (N, H, W, C) or (N, C), got shape (${x.shape.join(", ")})`);
}

export interface BatchNormTrainingResult {
  /** normalized, scaled and shifted x (same shape) */
  y: Tensor;
  /** per-channel mean of this batch (C,) */
  mean: Tensor;
  /** per-channel variance of this batch (C,), unbiased (N/(N-1)), as TensorFlow feeds moving averages */
  variance: Tensor;
}
// Ownership: `y` belongs to the caller's tf.tidy scope as usual; `mean` and `variance` are kept
// outside every scope (the fused kernel's extra outputs): the caller disposes them.

/**
 * Training-mode batch norm: y = gamma * (x - mean) / sqrt(var + epsilon) + beta with the batch's
 * per-channel statistics (biased variance inside the normalization, as every framework does).
 * Differentiable with respect to x, gamma and beta. x (N, H, W, C) or (N, C); gamma, beta (C,).
 */
export function batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): BatchNormTrainingResult {
  const be = nativeBackend(tf);
  if (!be) {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    const n = x.size / x.shape[x.rank - 1];
    const y = tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
    const unbiased = tf.keep(variance.mul(n / Math.max(n - 1, 1)));
    variance.dispose();
    return { y, mean: tf.keep(mean), variance: unbiased };
  }
  const [x4, back] = as4d(x);
  let stats: Tensor[] = [];
  const f = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [xx, g, b, save] = args as [Tensor, Tensor, Tensor, GradSaveFunc];
    const empty = tf.tensor1d([]);
    const out = be.executeMultipleOutputs("FusedBatchNormV3", [...bnAttrs(be, epsilon, true),
      { name: "exponential_avg_factor", type: be.binding.TF_ATTR_FLOAT, value: 1 }], [xx, g, b, empty, empty], 6);
    empty.dispose();
    // outputs: y, batch mean, batch variance, and three reserve tensors the gradient kernel needs
    save([xx, g, out[3], out[4], out[5]]);
    // customGrad runs this function inside a tidy: keep the statistics (the caller disposes them)
    stats = [tf.keep(out[1]), tf.keep(out[2])];
    return {
      value: out[0],
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const r = be.executeMultipleOutputs("FusedBatchNormGradV3", bnAttrs(be, epsilon, true), [dy as Tensor, ...saved], 5);
        tf.dispose([r[3], r[4]]);
        return [r[0], r[1], r[2]];
      },
    };
  });
  const y4 = f(x4, gamma, beta) as Tensor;
  const y = back(y4);
  if (y !== y4) y4.dispose();
  if (x4 !== x) x4.dispose();
  return { y, mean: stats[0], variance: stats[1] };
}

/** Inference-mode batch norm with given (moving) statistics; shapes as batchNormTraining. */
export function batchNormInference(x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: number): Tensor {
  const be = nativeBackend(tf);
  if (!be) return tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
  return tf.tidy(() => {
    const [x4, back] = as4d(x);
    return back(be.executeMultipleOutputs("FusedBatchNormV3", bnAttrs(be, epsilon, false), [x4, gamma, beta, mean, variance], 6)[0]);
  });
}

export interface BatchNormNativeArgs {
  /** moving averages: moving = momentum * moving + (1 - momentum) * batch (default 0.99, as tf.layers) */
  momentum?: number;
  /** added to the variance (default 1e-3, as tf.layers; the course uses 1e-5) */
  epsilon?: number;
  name?: string;
}

type Kwargs = Record<string, unknown>;
const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/** Batch normalization over the last axis with TensorFlow's fused kernels (see the file comment). */
export class BatchNormNative extends tf.layers.Layer {
  static className = "BatchNormNative";
  readonly momentum: number;
  readonly epsilon: number;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;
  private movingMean?: LayerVariable;
  private movingVariance?: LayerVariable;

  constructor(args: BatchNormNativeArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.supportsMasking = true;
  }

  build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[shape.length - 1];
    if (c === null || c === undefined) throw new Error(`${this.name}: the channel axis (last) must be known, got shape [${shape.join(", ")}]`);
    this.gamma = this.addWeight("gamma", [c], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [c], "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight("moving_mean", [c], "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight("moving_variance", [c], "float32", tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    const [g, b, mm, mv] = [this.gamma, this.beta, this.movingMean, this.movingVariance] as LayerVariable[];
    if (kwargs.training !== true) return batchNormInference(x, g.read(), b.read(), mm.read(), mv.read(), this.epsilon);
    const { y, mean, variance } = batchNormTraining(x, g.read(), b.read(), this.epsilon);
    tf.tidy(() => {
      mm.write(mm.read().mul(this.momentum).add(mean.mul(1 - this.momentum)));
      mv.write(mv.read().mul(this.momentum).add(variance.mul(1 - this.momentum)));
    });
    tf.dispose([mean, variance]);
    return y;
  }

  getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(BatchNormNative);

/** ReLU whose backward pass is one native kernel (see the file comment). */
export class ReLUNative extends tf.layers.Layer {
  static className = "ReLUNative";
  constructor(args: { name?: string } = {}) {
    super({ name: args.name });
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return reluNativeOp(first(inputs));
  }
}
tf.serialization.registerClass(ReLUNative);

/** `tf.layers.batchNormalization` replacement on native kernels (last axis; NHWC or (N, C)). */
export function batchNormNative(args: BatchNormNativeArgs = {}): BatchNormNative {
  return new BatchNormNative(args);
}

/** `tf.layers.reLU` replacement whose gradient is one native kernel. */
export function reluNative(args: { name?: string } = {}): ReLUNative {
  return new ReLUNative(args);
}

// ASSIGNMENT assignment2
/**
 * CIFAR-10 for the high-level API notebook (the course's torchvision pipeline, in tfjs): images NHWC
 * (N, 32, 32, 3), normalized per channel, and minibatches of 64 reshuffled every epoch.
 */
import { tf, Tensor } from "../tf";
import { loadCifar10 } from "../data";

/** Per-channel mean and std (of 0..1 pixels) the course normalizes CIFAR-10 with. */
export const CIFAR10_MEAN = [0.4914, 0.4822, 0.4465];
export const CIFAR10_STD = [0.2023, 0.1994, 0.201];

/** (X / 255 - mean[c]) / std[c] for each channel c: X (N, H, W, C) with pixels 0..255, result float32. */
export function normalizePerChannel(X: Tensor, mean: number[] = CIFAR10_MEAN, std: number[] = CIFAR10_STD): Tensor {
  const c = X.shape[X.rank - 1];
  if (X.rank !== 4 || mean.length !== c || std.length !== c) {
    throw new Error(`normalizePerChannel: X must be (N, H, W, C) with ${mean.length} channels (one mean and std each), got shape (${X.shape.join(", ")})`);
  }
  // one multiply and one subtract over the images: x * (1 / (255 std)) - mean / std
  const scale = std.map((s) => 1 / (255 * s));
  const shift = mean.map((m, i) => m / std[i]);
  return tf.tidy(() => X.toFloat().mul(tf.tensor1d(scale)).sub(tf.tensor1d(shift)));
}

export interface Cifar10Normalized {
  /** (numTrain, 32, 32, 3) float32, normalized */
  XTrain: Tensor;
  /** (numTrain,) int32 */
  yTrain: Tensor;
  XVal: Tensor;
  yVal: Tensor;
  XTest: Tensor;
  yTest: Tensor;
  classes: string[];
}

/**
 * The course's split, normalized per channel (NHWC): train = training records [0, numTrain),
 * validation = records [49000, 49000 + numVal) (the course's last 1,000), test = the first numTest
 * test records (the exact ones). Defaults 49000 / 1000 / 1000.
 */
export function getCifar10Normalized(opts: { numTrain?: number; numVal?: number; numTest?: number; dir?: string } = {}): Cifar10Normalized {
  const { numTrain = 49000, numVal = 1000, numTest = 1000 } = opts;
  if (!(numTrain >= 1 && numTrain <= 49000)) throw new Error(`getCifar10Normalized: numTrain must be in 1..49000, got ${numTrain}`);
  if (!(numVal >= 1 && numVal <= 1000)) throw new Error(`getCifar10Normalized: numVal must be in 1..1000, got ${numVal}`);
  if (!(numTest >= 1 && numTest <= 10000)) throw new Error(`getCifar10Normalized: numTest must be in 1..10000, got ${numTest}`);
  const all = loadCifar10(opts.dir);
  try {
    return tf.tidy(() => ({
      XTrain: normalizePerChannel(all.XTrain.slice([0], [numTrain])),
      yTrain: all.yTrain.slice([0], [numTrain]),
      XVal: normalizePerChannel(all.XTrain.slice([49000], [numVal])),
      yVal: all.yTrain.slice([49000], [numVal]),
      XTest: normalizePerChannel(all.XTest.slice([0], [numTest])),
      yTest: all.yTest.slice([0], [numTest]),
      classes: all.classes,
    }));
  } finally {
    tf.dispose([all.XTrain, all.yTrain, all.XTest, all.yTest]);
  }
}

/** Flips each image of x (N, H, W, C) left-right with probability 1/2 (data augmentation). */
export function randomFlip(x: Tensor, seed?: number): Tensor {
  return tf.tidy(() => {
    const flip = tf.randomUniform([x.shape[0], 1, 1, 1], 0, 1, "float32", seed).less(0.5);
    return tf.where(flip, tf.reverse(x, 2), x);
  });
}

export interface DataLoaderOptions {
  /** examples per batch (default 64); the last batch of an epoch may be smaller */
  batchSize?: number;
  /** a new random order every epoch (default false: in order) */
  shuffle?: boolean;
  /** seed of the shuffles (epoch k uses seed + k); random when absent */
  seed?: number;
  /** applied to every input batch, e.g. randomFlip (the labels are left alone) */
  transform?: (x: Tensor) => Tensor;
}

/**
 * Minibatches of (X, y), the tfjs counterpart of torch's DataLoader:
 *
 *     for (const [x, y] of loaderTrain) { ... }     // one epoch
 *
 * Each batch `[x, y]` is valid until the loop asks for the next one (the loader disposes it then,
 * and the last one when the loop ends or breaks), so a loop body need not free it; `tf.keep` or
 * clone what you want to keep. Shuffling draws a permutation with TensorFlow (no host copy).
 */
export class DataLoader implements Iterable<[Tensor, Tensor]> {
  readonly X: Tensor;
  readonly y: Tensor;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed?: number;
  readonly transform?: (x: Tensor) => Tensor;
  /** epochs started so far */
  epoch = 0;

  constructor(X: Tensor, y: Tensor, opts: DataLoaderOptions = {}) {
    if (X.shape[0] !== y.shape[0]) throw new Error(`DataLoader: X has ${X.shape[0]} examples but y has ${y.shape[0]}`);
    const batchSize = opts.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    this.X = X;
    this.y = y;
    this.batchSize = batchSize;
    this.shuffle = opts.shuffle ?? false;
    this.seed = opts.seed;
    this.transform = opts.transform;
  }

  /** Number of examples. */
  get numExamples(): number {
    return this.X.shape[0];
  }

  /** Batches per epoch (the course's len(loader)). */
  get numBatches(): number {
    return Math.ceil(this.numExamples / this.batchSize);
  }

  *[Symbol.iterator](): Generator<[Tensor, Tensor]> {
    const n = this.numExamples;
    const seed = this.seed === undefined ? undefined : this.seed + this.epoch;
    this.epoch += 1;
    const order = this.shuffle ? tf.tidy(() => tf.topk(tf.randomUniform([n], 0, 1, "float32", seed), n).indices) : null;
    let current: Tensor[] = [];
    try {
      for (let start = 0; start < n; start += this.batchSize) {
        tf.dispose(current);
        const size = Math.min(this.batchSize, n - start);
        const batch = tf.tidy((): [Tensor, Tensor] => {
          let x: Tensor;
          let y: Tensor;
          if (order) {
            const idx = order.slice([start], [size]);
            x = tf.gather(this.X, idx);
            y = tf.gather(this.y, idx);
          } else {
            x = this.X.slice([start], [size]);
            y = this.y.slice([start], [size]);
          }
          return [this.transform ? this.transform(x) : x, y];
        });
        current = batch;
        yield batch;
      }
    } finally {
      tf.dispose(current);
      if (order) order.dispose();
    }
  }
}

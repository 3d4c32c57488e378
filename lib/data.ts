/**
 * CIFAR-10 loading (binary layout) and the course's train/val/test preparation.
 *
 * Binary layout: each of data_batch_1..5.bin and test_batch.bin holds 10,000 records of 3,073 bytes:
 * one label byte (0-9), then 1,024 red, 1,024 green and 1,024 blue bytes (32x32, row-major).
 */
import * as fs from "fs";
import * as path from "path";
import { tf, Tensor } from "./tf";

export const CIFAR10_CLASSES = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
] as const;

const RECORD = 3073;
const PER_FILE = 10000;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = "test_batch.bin";
/** Test records [0, EXACT_TEST_RECORDS) are exact in the shipped dataset; the rest are JPEG-approximated. */
export const EXACT_TEST_RECORDS = 1000;

export interface Cifar10 {
  /** (50000, 32, 32, 3) float32 in 0..255 */
  XTrain: Tensor;
  /** (50000,) int32 in 0..9 */
  yTrain: Tensor;
  /** (10000, 32, 32, 3) float32 in 0..255 */
  XTest: Tensor;
  /** (10000,) int32 */
  yTest: Tensor;
  classes: string[];
}

/** Where the dataset lives: the argument, else $CIFAR10_DIR, else datasets/cifar-10-batches-bin. */
export function cifar10Dir(dir?: string): string {
  if (dir) return path.resolve(dir);
  if (process.env.CIFAR10_DIR) return path.resolve(process.env.CIFAR10_DIR);
  // lib/ sits in the project root (repository or student bundle).
  return path.resolve(__dirname, "..", "datasets", "cifar-10-batches-bin");
}

function fixHint(dir: string): string {
  return `Fix: run \`bash datasets/get_datasets.sh\` in the project root, or set CIFAR10_DIR to a folder ` +
    `holding ${[...TRAIN_FILES, TEST_FILE].join(", ")} (each ${RECORD * PER_FILE} bytes). Looked in ${dir}.`;
}

/**
 * Reads one batch file, checking its size and labels; copies its records planar (C, H, W) into X and
 * labels into y from record `offset` on. (Typed-array `set` converts bytes to float32 natively.)
 */
function readBatch(file: string, dir: string, X: Float32Array, y: Int32Array, offset: number): void {
  const full = path.join(dir, file);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(full);
  } catch {
    throw new Error(`CIFAR-10 file ${full} is missing or unreadable. ${fixHint(dir)}`);
  }
  if (buf.length !== RECORD * PER_FILE) {
    throw new Error(`CIFAR-10 file ${full} has ${buf.length} bytes, expected ${RECORD * PER_FILE}` +
      ` (truncated or not the binary version). ${fixHint(dir)}`);
  }
  for (let r = 0; r < PER_FILE; r++) {
    const base = r * RECORD;
    const label = buf[base];
    if (label > 9) throw new Error(`CIFAR-10 file ${full}: record ${r} has label ${label} (must be 0-9); the file is corrupt. ${fixHint(dir)}`);
    y[offset + r] = label;
    X.set(buf.subarray(base + 1, base + RECORD), (offset + r) * 3072);
  }
}

/** Planar (N, 3, 32, 32) pixels to the course's (N, 32, 32, 3), transposed by TensorFlow. */
function toNHWC(planar: Float32Array, n: number): Tensor {
  return tf.tidy(() => tf.tensor4d(planar, [n, 3, 32, 32]).transpose([0, 2, 3, 1]));
}

/**
 * Loads all of CIFAR-10: X as (N, 32, 32, 3) float32 0..255 (HWC, as the course's loader), y int32.
 * Note: in the shipped copy only test records 0-999 are exact (see EXACT_TEST_RECORDS).
 */
export function loadCifar10(dir?: string): Cifar10 {
  return loadBatches(dir, TRAIN_FILES.length);
}

/** Like loadCifar10, but reads only the first `numFiles` training batch files (10,000 records each). */
function loadBatches(dir: string | undefined, numFiles: number): Cifar10 {
  const d = cifar10Dir(dir);
  if (!fs.existsSync(d)) throw new Error(`CIFAR-10 folder ${d} does not exist. ${fixHint(d)}`);
  const files = TRAIN_FILES.slice(0, numFiles);
  const XTr = new Float32Array(files.length * PER_FILE * 3072);
  const yTr = new Int32Array(files.length * PER_FILE);
  files.forEach((f, i) => readBatch(f, d, XTr, yTr, i * PER_FILE));
  const XTe = new Float32Array(PER_FILE * 3072);
  const yTe = new Int32Array(PER_FILE);
  readBatch(TEST_FILE, d, XTe, yTe, 0);
  return {
    XTrain: toNHWC(XTr, files.length * PER_FILE),
    yTrain: tf.tensor1d(yTr, "int32"),
    XTest: toNHWC(XTe, PER_FILE),
    yTest: tf.tensor1d(yTe, "int32"),
    classes: [...CIFAR10_CLASSES],
  };
}

export interface Cifar10DataOptions {
  numTraining?: number;
  numValidation?: number;
  numTest?: number;
  /** subtract the mean training image (default true) */
  subtractMean?: boolean;
  /** transpose to NCHW (N, 3, 32, 32) as the course does for layers (default true) */
  channelsFirst?: boolean;
  dir?: string;
}

export interface Cifar10Data {
  XTrain: Tensor; yTrain: Tensor;
  XVal: Tensor; yVal: Tensor;
  XTest: Tensor; yTest: Tensor;
  /** mean training image (32, 32, 3), subtracted when subtractMean */
  meanImage: Tensor;
  classes: string[];
}

/**
 * The course's split: train = first numTraining training images, val = the next numValidation,
 * test = the first numTest test images (defaults 49000 / 1000 / 1000; the first 1000 test records
 * are the exact ones). Mean subtraction and NCHW transpose as in cs231n's get_CIFAR10_data.
 */
export function getCifar10Data(opts: Cifar10DataOptions = {}): Cifar10Data {
  const { numTraining = 49000, numValidation = 1000, numTest = 1000, subtractMean = true, channelsFirst = true } = opts;
  if (numTraining + numValidation > 5 * PER_FILE) throw new Error(`numTraining + numValidation must be <= 50000 (got ${numTraining + numValidation})`);
  if (numTest > PER_FILE) throw new Error(`numTest must be <= 10000 (got ${numTest})`);
  // only the training files the split needs (quick runs use the first one)
  const all = loadBatches(opts.dir, Math.ceil((numTraining + numValidation) / PER_FILE));
  const out = tf.tidy(() => {
    let XTrain = all.XTrain.slice([0], [numTraining]);
    let XVal = all.XTrain.slice([numTraining], [numValidation]);
    let XTest = all.XTest.slice([0], [numTest]);
    const meanImage = XTrain.mean(0);
    if (subtractMean) {
      XTrain = XTrain.sub(meanImage);
      XVal = XVal.sub(meanImage);
      XTest = XTest.sub(meanImage);
    }
    const arrange = (x: Tensor) => (channelsFirst ? x.transpose([0, 3, 1, 2]) : x);
    return {
      XTrain: arrange(XTrain), yTrain: all.yTrain.slice([0], [numTraining]),
      XVal: arrange(XVal), yVal: all.yTrain.slice([numTraining], [numValidation]),
      XTest: arrange(XTest), yTest: all.yTest.slice([0], [numTest]),
      meanImage,
    };
  });
  tf.dispose([all.XTrain, all.yTrain, all.XTest, all.yTest]);
  return { ...out, classes: all.classes };
}

/**
 * Accuracy of the best constant predictor on labels y (N,) int32: the share of the most frequent class.
 * A classifier must beat this, not just 1/C, to have learned anything (graded accuracy thresholds are
 * checked against it).
 */
export function majorityClassRate(y: Tensor): number {
  const labels = y.dataSync() as ArrayLike<number>;
  if (labels.length === 0) throw new Error("majorityClassRate: y is empty");
  const counts = new Map<number, number>();
  let best = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = (counts.get(labels[i]) ?? 0) + 1;
    counts.set(labels[i], c);
    if (c > best) best = c;
  }
  return best / labels.length;
}

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

/** Pixel order of the arrays readBatch fills: planar (C, H, W) as in the files, or interleaved (H, W, C). */
type Layout = "CHW" | "HWC";

/**
 * Reads one batch file, checking its size and labels; copies its records into X (in `layout`) and
 * labels into y from record `offset` on. Bytes become float32 as they are copied (no arithmetic), so
 * no layout needs a transpose on TensorFlow's side afterwards: every 600 MB tensor op costs as much
 * in fresh-memory page faults as in work.
 */
function readBatch(file: string, dir: string, X: Float32Array, y: Int32Array, offset: number, layout: Layout): void {
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
    const out = (offset + r) * 3072;
    if (layout === "CHW") {
      X.set(buf.subarray(base + 1, base + RECORD), out); // typed-array set converts natively
    } else {
      for (let c = 0; c < 3; c++) {
        const src = base + 1 + c * 1024;
        for (let p = 0; p < 1024; p++) X[out + 3 * p + c] = buf[src + p];
      }
    }
  }
}

/** The records of the first `numFiles` training files and of the test file, as arrays in `layout`. */
function readRecords(dir: string | undefined, numFiles: number, layout: Layout): { XTr: Float32Array; yTr: Int32Array; XTe: Float32Array; yTe: Int32Array } {
  const d = cifar10Dir(dir);
  if (!fs.existsSync(d)) throw new Error(`CIFAR-10 folder ${d} does not exist. ${fixHint(d)}`);
  const files = TRAIN_FILES.slice(0, numFiles);
  const XTr = new Float32Array(files.length * PER_FILE * 3072);
  const yTr = new Int32Array(files.length * PER_FILE);
  files.forEach((f, i) => readBatch(f, d, XTr, yTr, i * PER_FILE, layout));
  const XTe = new Float32Array(PER_FILE * 3072);
  const yTe = new Int32Array(PER_FILE);
  readBatch(TEST_FILE, d, XTe, yTe, 0, layout);
  return { XTr, yTr, XTe, yTe };
}

/** Images [from, to) of an array of records as an (N, 3, 32, 32) or (N, 32, 32, 3) tensor. */
function images(X: Float32Array, from: number, to: number, layout: Layout): Tensor {
  return tf.tensor4d(X.subarray(from * 3072, to * 3072), layout === "CHW" ? [to - from, 3, 32, 32] : [to - from, 32, 32, 3]);
}

/**
 * Loads all of CIFAR-10: X as (N, 32, 32, 3) float32 0..255 (HWC, as the course's loader), y int32.
 * Note: in the shipped copy only test records 0-999 are exact (see EXACT_TEST_RECORDS).
 */
export function loadCifar10(dir?: string): Cifar10 {
  const r = readRecords(dir, TRAIN_FILES.length, "HWC");
  return {
    XTrain: images(r.XTr, 0, r.yTr.length, "HWC"),
    yTrain: tf.tensor1d(r.yTr, "int32"),
    XTest: images(r.XTe, 0, PER_FILE, "HWC"),
    yTest: tf.tensor1d(r.yTe, "int32"),
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
  // only the training files the split needs (quick runs use the first one), read straight into the
  // layout asked for: the per-pixel mean over the images is the same sum in either layout
  const layout: Layout = channelsFirst ? "CHW" : "HWC";
  const r = readRecords(opts.dir, Math.ceil((numTraining + numValidation) / PER_FILE), layout);
  const out = tf.tidy(() => {
    let XTrain = images(r.XTr, 0, numTraining, layout);
    let XVal = images(r.XTr, numTraining, numTraining + numValidation, layout);
    let XTest = images(r.XTe, 0, numTest, layout);
    const mean = XTrain.mean(0);
    if (subtractMean) {
      XTrain = XTrain.sub(mean);
      XVal = XVal.sub(mean);
      XTest = XTest.sub(mean);
    }
    return {
      XTrain, yTrain: tf.tensor1d(r.yTr.subarray(0, numTraining), "int32"),
      XVal, yVal: tf.tensor1d(r.yTr.subarray(numTraining, numTraining + numValidation), "int32"),
      XTest, yTest: tf.tensor1d(r.yTe.subarray(0, numTest), "int32"),
      meanImage: channelsFirst ? mean.transpose([1, 2, 0]) : mean,
    };
  });
  return { ...out, classes: [...CIFAR10_CLASSES] };
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

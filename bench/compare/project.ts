/**
 * The project's side of the side-by-side benchmark: every case of bench/compare/cases.json run on the
 * project's own library (tfjs-node), exactly as a notebook calls it. Run as a child process by
 * bench/compare.bench.ts:
 *     node -r ts-node/register/transpile-only bench/compare/project.ts --size full|tiny [--cases a,b]
 * and prints one JSON document on stdout: { info, rows: [{ case, impl: "tfjs-node", ms, minMs, reps }],
 * memory, peakRssMB }. Times are wall-clock medians after warm-up. tfjs-node runs TensorFlow eagerly
 * and synchronously (an op's result is computed when the call returns: a 2000² matMul returns after
 * its 80 ms, and reading it back costs 10 ms more), so, like NumPy's, the timed region computes and
 * does not copy the outputs to JavaScript arrays.
 */
import * as fs from "fs";
import * as path from "path";
import { tf, Tensor } from "../../lib/tf";
import {
  affineForward, affineBackward, reluForward, reluBackward, softmaxLoss, batchnormForward, batchnormBackward,
} from "../../lib/layers";
import { convForwardFast, convBackwardFast, maxPoolForwardFast, maxPoolBackwardFast } from "../../lib/fastLayers";
import { KNearestNeighbor } from "../../lib/classifiers/kNearestNeighbor";
import { FullyConnectedNet } from "../../lib/classifiers/fcNet";
import { ThreeLayerConvNet } from "../../lib/classifiers/cnn";
import { Solver, Model } from "../../lib/solver";
import { batchNormNative, reluNative } from "../../lib/highLevel/nativeLayers";
import type { TFLayer } from "../../lib/highLevel/module";

export type Size = "full" | "tiny";
type Params = Record<string, number | number[]>;
export interface CaseSpec {
  id: string;
  title: string;
  target: Record<string, number>;
  epoch?: boolean;
  full: Params;
  tiny: Params;
}
export interface CasesFile {
  warmup: Record<Size, number>;
  reps: Record<Size, number>;
  cases: CaseSpec[];
}
export interface Row {
  case: string;
  impl: string;
  ms: number;
  minMs: number;
  reps: number;
  fwdMs?: number;
}

export const CASES_FILE = path.join(__dirname, "cases.json");
export function readCases(): CasesFile {
  return JSON.parse(fs.readFileSync(CASES_FILE, "utf8")) as CasesFile;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs `fn` (inside a tidy, which frees its tensors) `warmup` times untimed, then `reps` times timed. */
function timeIt(fn: () => Tensor[], warmup: number, reps: number): { ms: number; minMs: number } {
  const once = (): number => {
    const t0 = now();
    tf.tidy(() => {
      fn();
    });
    return now() - t0;
  };
  for (let i = 0; i < warmup; i++) once();
  const times = Array.from({ length: reps }, once);
  return { ms: median(times), minMs: Math.min(...times) };
}

const n = (p: Params, k: string): number => p[k] as number;
const randn = (shape: number[]): Tensor => tf.randomNormal(shape, 0, 1, "float32", 231);
const labels = (count: number, classes: number): Tensor => tf.randomUniform([count], 0, classes, "int32", 232);

/** Layer cases: returns the function to time (and optionally a forward-only one). */
function layerCase(id: string, p: Params): { run: () => Tensor[]; fwd?: () => Tensor[]; inputs: Tensor[] } {
  switch (id) {
    case "knn_no_loop": {
      const Xtr = randn([n(p, "numTrain"), n(p, "dim")]), Xte = randn([n(p, "numTest"), n(p, "dim")]);
      const knn = new KNearestNeighbor();
      knn.train(Xtr, tf.zeros([n(p, "numTrain")], "int32"));
      return { run: () => [knn.computeDistancesNoLoops(Xte)], inputs: [Xtr, Xte] };
    }
    case "affine_relu": {
      const x = randn([n(p, "N"), n(p, "D")]), w = randn([n(p, "D"), n(p, "M")]), b = randn([n(p, "M")]), dout = randn([n(p, "N"), n(p, "M")]);
      return {
        run: () => {
          const [a, fc] = affineForward(x, w, b);
          const [out, rc] = reluForward(a);
          const [dx, dw, db] = affineBackward(reluBackward(dout, rc), fc);
          return [out, dx, dw, db];
        },
        inputs: [x, w, b, dout],
      };
    }
    case "softmax_loss": {
      const x = randn([n(p, "N"), n(p, "C")]), y = labels(n(p, "N"), n(p, "C"));
      return { run: () => [softmaxLoss(x, y)[1]], inputs: [x, y] };
    }
    case "batchnorm": {
      const D = n(p, "D");
      const x = randn([n(p, "N"), D]), gamma = tf.ones([D]), beta = tf.zeros([D]), dout = randn([n(p, "N"), D]);
      const bnParam = { mode: "train" as const };
      return {
        run: () => {
          const [out, cache] = batchnormForward(x, gamma, beta, bnParam);
          return [out, ...batchnormBackward(dout, cache)];
        },
        inputs: [x, gamma, beta, dout],
      };
    }
    case "conv_7x7":
    case "conv_3x3": {
      const [N, C, H, W, F, HH, WW, stride, pad] = ["N", "C", "H", "W", "F", "HH", "WW", "stride", "pad"].map((k) => n(p, k));
      const x = randn([N, C, H, W]), w = randn([F, C, HH, WW]), b = randn([F]);
      const Ho = 1 + (H + 2 * pad - HH) / stride, Wo = 1 + (W + 2 * pad - WW) / stride;
      const dout = randn([N, F, Ho, Wo]);
      return {
        run: () => {
          const [out, cache] = convForwardFast(x, w, b, { stride, pad });
          return [out, ...convBackwardFast(dout, cache)];
        },
        fwd: () => [convForwardFast(x, w, b, { stride, pad })[0]],
        inputs: [x, w, b, dout],
      };
    }
    case "max_pool": {
      const [N, C, H, W, pool, stride] = ["N", "C", "H", "W", "pool", "stride"].map((k) => n(p, k));
      const x = randn([N, C, H, W]), dout = randn([N, C, H / stride, W / stride]);
      const pp = { poolHeight: pool, poolWidth: pool, stride };
      return {
        run: () => {
          const [out, cache] = maxPoolForwardFast(x, pp);
          return [out, maxPoolBackwardFast(dout, cache)];
        },
        fwd: () => [maxPoolForwardFast(x, pp)[0]],
        inputs: [x, dout],
      };
    }
    case "cnn_step": {
      const model = convNet(p);
      const X = randn([n(p, "N"), n(p, "C"), n(p, "H"), n(p, "W")]), y = labels(n(p, "N"), n(p, "classes"));
      return { run: () => Object.values(model.loss(X, y)[1]), inputs: [X, y, ...Object.values(model.params)] };
    }
    default:
      throw new Error(`bench/compare/project.ts: no implementation for case "${id}"`);
  }
}

function convNet(p: Params): ThreeLayerConvNet {
  return new ThreeLayerConvNet({
    inputDim: [n(p, "C"), n(p, "H"), n(p, "W")], numFilters: n(p, "F"), filterSize: n(p, "filter"),
    hiddenDim: n(p, "hidden"), numClasses: n(p, "classes"), reg: n(p, "reg"), weightScale: 1e-3, seed: 231,
  });
}

/** One Solver epoch (training steps + the end-of-epoch accuracy checks), after a few warm-up steps. */
function solverEpoch(model: Model, p: Params, imageShape: number[]): number {
  const data = {
    XTrain: randn([n(p, "numTrain"), ...imageShape]), yTrain: labels(n(p, "numTrain"), n(p, "classes")),
    XVal: randn([n(p, "numVal"), ...imageShape]), yVal: labels(n(p, "numVal"), n(p, "classes")),
  };
  const opts = { updateRule: "adam" as const, optimConfig: { learningRate: n(p, "learningRate") }, batchSize: n(p, "batch"), numTrainSamples: n(p, "checkSamples"), verbose: false, seed: 231 };
  // warm-up: a short run on a small slice (TensorFlow's kernels, the optimizer state's first allocation)
  const warm = n(p, "batch") * 3;
  const warmData = { ...data, XTrain: data.XTrain.slice(0, warm), yTrain: data.yTrain.slice(0, warm), XVal: data.XVal.slice(0, Math.min(10, n(p, "numVal"))), yVal: data.yVal.slice(0, Math.min(10, n(p, "numVal"))) };
  new Solver(model, warmData, { ...opts, numEpochs: 1, numTrainSamples: 10 }).train();
  const solver = new Solver(model, data, { ...opts, numEpochs: 1 });
  const t0 = now();
  solver.train();
  const ms = now() - t0;
  tf.dispose([...Object.values(data), ...Object.values(warmData), ...Object.values(solver.bestParams)]);
  return ms;
}

/** The high-level notebook's challenge net (native batchnorm/ReLU as in its solution), one `fit` epoch. */
async function challengeEpoch(p: Params): Promise<number> {
  const filters = p.filters as number[];
  const layers: TFLayer[] = [];
  filters.forEach((f, i) => {
    layers.push(tf.layers.conv2d({ ...(i === 0 ? { inputShape: [n(p, "H"), n(p, "W"), n(p, "C")] } : {}), filters: f, kernelSize: 3, padding: "same", useBias: false, kernelInitializer: "heNormal" }));
    layers.push(batchNormNative({ momentum: 0.9, epsilon: 1e-5 }), reluNative(), tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  layers.push(tf.layers.flatten(), tf.layers.dense({ units: n(p, "dense"), kernelInitializer: "heNormal" }), reluNative(), tf.layers.dense({ units: n(p, "classes"), activation: "softmax" }));
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(n(p, "learningRate")), loss: "categoricalCrossentropy" });
  const N = n(p, "numTrain"), B = n(p, "batch");
  const x = randn([N, n(p, "H"), n(p, "W"), n(p, "C")]);
  const y = tf.oneHot(labels(N, n(p, "classes")), n(p, "classes"));
  const wx = x.slice(0, 2 * B), wy = y.slice(0, 2 * B);
  await model.fit(wx, wy, { batchSize: B, epochs: 1, verbose: 0 });
  const t0 = now();
  await model.fit(x, y, { batchSize: B, epochs: 1, shuffle: true, verbose: 0 });
  const ms = now() - t0;
  tf.dispose([x, y, wx, wy]);
  model.dispose();
  return ms;
}

/**
 * Tensor count before and after 200 Solver steps (4 epochs of 50) of a small FullyConnectedNet, and
 * after each epoch: a leak shows as growth from epoch to epoch.
 */
function memoryCase(size: Size): { steps: number; numTensorsBefore: number; numTensorsAfter: number; numTensorsAfterEpochs: number[] } {
  const steps = size === "full" ? 200 : 20;
  const batch = 50;
  const N = (batch * steps) / 4;
  const data = { XTrain: randn([N, 3072]), yTrain: labels(N, 10), XVal: randn([100, 3072]), yVal: labels(100, 10) };
  const model = new FullyConnectedNet({ hiddenDims: [100, 100], seed: 1 });
  const solver = new Solver(model, data, { updateRule: "adam", batchSize: batch, numEpochs: 4, verbose: false, seed: 1 });
  const afterEpochs: number[] = [];
  // the Solver saves a checkpoint at every epoch end: count the tensors there instead (bench-only hook)
  (solver as unknown as { saveCheckpoint: () => void }).saveCheckpoint = () => afterEpochs.push(tf.memory().numTensors);
  const before = tf.memory().numTensors;
  solver.train();
  const after = tf.memory().numTensors;
  tf.dispose([...Object.values(data), ...Object.values(model.params), ...Object.values(solver.bestParams)]);
  for (const c of Object.values(solver.optimConfigs)) for (const v of Object.values(c)) if (v instanceof tf.Tensor) v.dispose();
  return { steps, numTensorsBefore: before, numTensorsAfter: after, numTensorsAfterEpochs: afterEpochs };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (k: string): string | undefined => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const size = (arg("--size") ?? "full") as Size;
  if (size !== "full" && size !== "tiny") throw new Error(`--size must be full or tiny, got ${size}`);
  const only = arg("--cases")?.split(",");
  const spec = readCases();
  const rows: Row[] = [];
  for (const c of spec.cases) {
    if (only && !only.includes(c.id)) continue;
    const p = c[size];
    process.stderr.write(`[project] ${c.id} (${size})\n`);
    if (c.id === "fcn_epoch") {
      const model = new FullyConnectedNet({ hiddenDims: p.hidden as number[], inputDim: n(p, "dim"), numClasses: n(p, "classes"), reg: n(p, "reg"), weightScale: 5e-2, seed: 231 });
      const ms = solverEpoch(model, p, [n(p, "dim")]);
      rows.push({ case: c.id, impl: "tfjs-node", ms, minMs: ms, reps: 1 });
      tf.dispose(Object.values(model.params));
    } else if (c.id === "cnn_epoch") {
      const model = convNet(p);
      const ms = solverEpoch(model, p, [n(p, "C"), n(p, "H"), n(p, "W")]);
      rows.push({ case: c.id, impl: "tfjs-node", ms, minMs: ms, reps: 1 });
      tf.dispose(Object.values(model.params));
    } else if (c.id === "challenge_epoch") {
      const ms = await challengeEpoch(p);
      rows.push({ case: c.id, impl: "tfjs-node", ms, minMs: ms, reps: 1 });
    } else {
      const lc = layerCase(c.id, p);
      const t = timeIt(lc.run, spec.warmup[size], spec.reps[size]);
      const fwd = lc.fwd ? timeIt(lc.fwd, spec.warmup[size], spec.reps[size]).ms : undefined;
      rows.push({ case: c.id, impl: "tfjs-node", ...t, reps: spec.reps[size], ...(fwd === undefined ? {} : { fwdMs: fwd }) });
      tf.dispose(lc.inputs);
    }
  }
  const memory = only && !only.includes("memory") ? undefined : memoryCase(size);
  const info = {
    node: process.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    tensorflow: (tf.version as Record<string, string>)["tfjs-node"] ?? "",
    TF_ENABLE_ONEDNN_OPTS: process.env.TF_ENABLE_ONEDNN_OPTS ?? "(unset)",
  };
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ info, rows, memory, peakRssMB }) + "\n");
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}

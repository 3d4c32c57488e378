/**
 * Convolutional layers (assignment 2): the naive loops against the fast layers on TensorFlow's native
 * kernels, on the course's sizes (conv x (100, 3, 31, 31), w (25, 3, 3, 3), stride 2, pad 1; pool
 * x (100, 3, 32, 32), 2x2, stride 2), and one training step of the notebook's ThreeLayerConvNet (batch 50,
 * hidden 500). Times are the best of a few runs; the fast/naive ratios are the meaningful numbers on a
 * shared machine.
 */
import { tf, Tensor } from "../lib/tf";
import { convForwardNaive, convBackwardNaive, maxPoolForwardNaive, maxPoolBackwardNaive } from "../lib/layers";
import { convForwardFast, convBackwardFast, maxPoolForwardFast, maxPoolBackwardFast } from "../lib/fastLayers";
import { ThreeLayerConvNet } from "../lib/classifiers/cnn";
import type { BenchResult } from "./run";

function best(fn: () => Tensor[], reps: number): number {
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    tf.tidy(() => fn().forEach((t) => t.dataSync()));
    b = Math.min(b, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return b;
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  // --tiny (CI smoke run): 4 images instead of 100, no targets
  const tiny = process.env.CS231N_BENCH_SIZE === "tiny";
  const N = tiny ? 4 : 100;
  const target = (max: number): { max?: number } => (tiny ? {} : { max });
  const x = tf.randomNormal([N, 3, 31, 31]), w = tf.randomNormal([25, 3, 3, 3]), b = tf.randomNormal([25]), dout = tf.randomNormal([N, 25, 16, 16]);
  const p = { stride: 2, pad: 1 };
  const [, cn] = convForwardNaive(x, w, b, p);
  const [, cf] = convForwardFast(x, w, b, p);
  const fN = best(() => [convForwardNaive(x, w, b, p)[0]], 3), fF = best(() => [convForwardFast(x, w, b, p)[0]], 10);
  const bN = best(() => convBackwardNaive(dout, cn), 3), bF = best(() => convBackwardFast(dout, cf), 10);
  out.push({ name: "conv forward fast (course sizes)", value: fF, unit: "ms" });
  out.push({ name: "conv forward fast / naive", value: fF / fN, unit: "x", ...target(0.2), note: `naive ${fN.toFixed(0)} ms` });
  out.push({ name: "conv backward fast (course sizes)", value: bF, unit: "ms" });
  out.push({ name: "conv backward fast / naive", value: bF / bN, unit: "x", ...target(0.2), note: `naive ${bN.toFixed(0)} ms` });
  const xp = tf.randomNormal([N, 3, 32, 32]), dp = tf.randomNormal([N, 3, 16, 16]);
  const pp = { poolHeight: 2, poolWidth: 2, stride: 2 };
  const [, pn] = maxPoolForwardNaive(xp, pp);
  const [, pf] = maxPoolForwardFast(xp, pp);
  const pfN = best(() => [maxPoolForwardNaive(xp, pp)[0]], 3), pfF = best(() => [maxPoolForwardFast(xp, pp)[0]], 10);
  const pbN = best(() => [maxPoolBackwardNaive(dp, pn)], 3), pbF = best(() => [maxPoolBackwardFast(dp, pf)], 10);
  out.push({ name: "max pool forward fast / naive", value: pfF / pfN, unit: "x", ...target(0.5), note: `naive ${pfN.toFixed(0)} ms, fast ${pfF.toFixed(1)} ms` });
  out.push({ name: "max pool backward fast / naive", value: pbF / pbN, unit: "x", ...target(0.5), note: `naive ${pbN.toFixed(0)} ms, fast ${pbF.toFixed(1)} ms` });
  const model = new ThreeLayerConvNet({ hiddenDim: 500, reg: 1e-3, seed: 1 });
  const X = tf.randomNormal([tiny ? 4 : 50, 3, 32, 32]), y = tf.randomUniform([tiny ? 4 : 50], 0, 10, "int32");
  const step = best(() => Object.values(model.loss(X, y)[1]), 5);
  out.push({ name: "ThreeLayerConvNet loss + grads (batch 50, hidden 500)", value: step, unit: "ms", ...target(400), note: `one epoch of 980 steps ≈ ${((980 * step) / 1000).toFixed(0)} s + updates` });
  tf.dispose([x, w, b, dout, xp, dp, X, y, ...Object.values(model.params)]);
  return out;
}

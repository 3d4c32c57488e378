/**
 * Assignment 2 high-level notebook: per-op CPU time of the challenge network's pieces (batch 64, NHWC)
 * with oneDNN on (TensorFlow's default on this machine) and off (TF_ENABLE_ONEDNN_OPTS=0), and a whole
 * training step (Adam) with tfjs's own batch-norm/ReLU layers vs the library's native ones.
 *
 * CPU time (process.cpuUsage), not wall time: the machine is shared, and CPU time is far less affected by
 * other jobs. Each configuration runs in a child process, since oneDNN is chosen when TensorFlow loads.
 * Standalone: `npx ts-node --transpile-only bench/highLevel.bench.ts` (or `npm run bench -- highLevel`).
 */
import { execFileSync } from "child_process";
import * as path from "path";
import type { BenchResult } from "./run";

type Row = { name: string; ms: number };

function child(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { tf, batchNormNative, reluNative, reluNativeOp, batchNormTraining } = require("../lib/index") as typeof import("../lib/index");
  type T = import("../lib/index").Tensor;
  const rows: Row[] = [];
  const cpuMs = (f: () => unknown, reps: number): number => {
    for (let i = 0; i < 2; i++) tf.tidy(() => { f(); });
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage();
      tf.tidy(() => {
        const r = f() as T | T[];
        for (const t of Array.isArray(r) ? r : [r]) t.dataSync();
      });
      const c = process.cpuUsage(c0);
      times.push((c.user + c.system) / 1000);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  };
  const B = process.env.CS231N_BENCH_SIZE === "tiny" ? 4 : 64;
  const convs: [string, [number, number, number, number], [number, number, number, number]][] = [
    ["conv 3->32 @32x32", [B, 32, 32, 3], [3, 3, 3, 32]],
    ["conv 32->64 @16x16", [B, 16, 16, 32], [3, 3, 32, 64]],
    ["conv 64->128 @8x8", [B, 8, 8, 64], [3, 3, 64, 128]],
  ];
  for (const [name, xs, ws] of convs) {
    const x = tf.randomNormal(xs) as import("../lib/index").Tensor4D;
    const w = tf.randomNormal(ws) as import("../lib/index").Tensor4D;
    rows.push({ name: `${name} forward`, ms: cpuMs(() => tf.conv2d(x, w, 1, "same"), 9) });
    rows.push({ name: `${name} forward+backward`, ms: cpuMs(() => tf.grads((a: T, b: T) => tf.conv2d(a as typeof x, b as typeof w, 1, "same"))([x, w]), 9) });
  }
  const x = tf.randomNormal([B, 32, 32, 32]);
  const g = tf.ones([32]);
  const b = tf.zeros([32]);
  rows.push({ name: "maxPool 2x2 (64,32,32,32) forward+backward", ms: cpuMs(() => tf.grad((a: T) => tf.maxPool(a as import("../lib/index").Tensor4D, 2, 2, "valid"))(x), 9) });
  rows.push({ name: "ReLU (64,32,32,32) fwd+bwd, tf.relu", ms: cpuMs(() => tf.grad((a: T) => tf.relu(a))(x), 9) });
  rows.push({ name: "ReLU (64,32,32,32) fwd+bwd, reluNativeOp", ms: cpuMs(() => tf.grad((a: T) => reluNativeOp(a))(x), 9) });
  const layer = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  rows.push({
    name: "batch norm (64,32,32,32) fwd+bwd, tf.layers",
    ms: cpuMs(() => tf.grad((a: T) => layer.apply(a, { training: true }) as T)(x), 9),
  });
  rows.push({
    name: "batch norm (64,32,32,32) fwd+bwd, native",
    ms: cpuMs(() => tf.grads((a: T, gg: T, bb: T) => { const r = batchNormTraining(a, gg, bb, 1e-5); tf.dispose([r.mean, r.variance]); return r.y; })([x, g, b]), 9),
  });
  // the notebook's challenge net, one Adam step on a batch of 64
  const net = (native: boolean) => {
    const layers = [];
    for (const [i, f] of [32, 64, 128].entries()) {
      layers.push(tf.layers.conv2d({ ...(i === 0 ? { inputShape: [32, 32, 3] } : {}), filters: f, kernelSize: 3, padding: "same", useBias: false }));
      layers.push(native ? batchNormNative({ momentum: 0.9, epsilon: 1e-5 }) : tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
      layers.push(native ? reluNative() : tf.layers.reLU());
      layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
    }
    layers.push(tf.layers.flatten(), tf.layers.dense({ units: 256 }), native ? reluNative() : tf.layers.reLU(), tf.layers.dense({ units: 10 }));
    return tf.sequential({ layers });
  };
  const xb = tf.randomNormal([B, 32, 32, 3]);
  const yb = tf.oneHot(tf.randomUniform([B], 0, 10, "int32"), 10);
  for (const native of [false, true]) {
    const m = net(native);
    const opt = tf.train.adam(1e-3);
    rows.push({
      name: `challenge net training step, ${native ? "native" : "tf.layers"} BN/ReLU`,
      ms: cpuMs(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, m.apply(xb, { training: true }) as T) as import("../lib/index").Scalar, true) as T, 7),
    });
  }
  process.stdout.write(JSON.stringify(rows));
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const byConfig: Record<string, Row[]> = {};
  for (const onednn of ["1", "0"]) {
    const txt = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--child"], {
      cwd: path.resolve(__dirname, ".."),
      env: { ...process.env, TF_ENABLE_ONEDNN_OPTS: onednn, TF_CPP_MIN_LOG_LEVEL: "2" },
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    byConfig[onednn] = JSON.parse(txt.slice(txt.indexOf("["))) as Row[];
  }
  for (const [i, r] of byConfig["1"].entries()) {
    const off = byConfig["0"][i];
    out.push({ name: `${r.name} [oneDNN on]`, value: r.ms, unit: "ms", note: `off: ${off.ms.toFixed(1)} ms (on/off ${(r.ms / off.ms).toFixed(2)})` });
  }
  const step = (cfg: string, native: boolean): number => byConfig[cfg].find((r) => r.name.includes("training step") && r.name.includes(native ? "native" : "tf.layers"))?.ms ?? NaN;
  out.push({ name: "challenge step speed-up, native vs tf.layers BN/ReLU [oneDNN on]", value: step("1", false) / step("1", true), unit: "x" });
  return out;
}

if (require.main === module) {
  if (process.argv.includes("--child")) child();
  else void run().then((rs) => rs.forEach((r) => console.log(`${r.name.padEnd(72)} ${r.value.toFixed(2).padStart(8)} ${r.unit}  ${r.note ?? ""}`)));
}

/** Platform benchmarks: CIFAR-10 loading, the course split, and kNN distance implementations. */
import type { BenchResult } from "./run";
import { tf, loadCifar10, getCifar10Data, KNearestNeighbor } from "../lib/index";

function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const out = f();
  return [out, Number(process.hrtime.bigint() - t0) / 1e6];
}

function best(n: number, f: () => void): number {
  let b = Infinity;
  for (let i = 0; i < n; i++) b = Math.min(b, time(f)[1]);
  return b;
}

const tinyRun = (): boolean => process.env.CS231N_BENCH_SIZE === "tiny";

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const loadMs = best(3, () => {
    const d = loadCifar10();
    tf.dispose([d.XTrain, d.yTrain, d.XTest, d.yTest]);
  });
  out.push({ name: "loadCifar10: all 60,000 images (best of 3)", value: loadMs, unit: "ms", ...(tinyRun() ? {} : { max: 2000 }) });
  const [data, prepMs] = time(() => getCifar10Data());
  out.push({ name: "getCifar10Data: 49k/1k/1k, mean, NCHW", value: prepMs, unit: "ms" });
  tf.dispose(Object.values(data).filter((v): v is tf.Tensor => v instanceof tf.Tensor));

  // kNN distances on the course's 5000 x 500 subset (flattened), as in knn.ipynb's timing comparison
  // (--tiny: 100 x 20).
  const tiny = process.env.CS231N_BENCH_SIZE === "tiny";
  const [numTrain, numTest] = tiny ? [100, 20] : [5000, 500];
  const d = loadCifar10();
  const Xtr = tf.tidy(() => d.XTrain.slice(0, numTrain).reshape([numTrain, -1]));
  const Xte = tf.tidy(() => d.XTest.slice(0, numTest).reshape([numTest, -1]));
  const ytr = d.yTrain.slice(0, numTrain);
  tf.dispose([d.XTrain, d.yTrain, d.XTest, d.yTest]);
  const knn = new KNearestNeighbor();
  knn.train(Xtr, ytr);
  for (const [name, f] of [
    ["no loops", () => knn.computeDistancesNoLoops(Xte)],
    ["one loop", () => knn.computeDistancesOneLoop(Xte)],
    ["two loops", () => knn.computeDistancesTwoLoops(Xte)],
  ] as const) {
    const ms = best(name === "two loops" ? 1 : 3, () => { const m = f(); m.dataSync(); m.dispose(); });
    out.push({ name: `kNN distances ${numTest} x ${numTrain} x 3072, ${name}`, value: ms, unit: "ms" });
  }
  tf.dispose([Xtr, Xte, ytr]);
  return out;
}

/**
 * lib/highLevel (assignment 2, high-level API notebook): native batch norm / ReLU against tfjs's
 * own layers, Module weight tracking, DataLoader, progress and checkpoint callbacks, and no tensor
 * leak across epochs of a manual loop and of model.fit with the callbacks.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { LayersModel, Optimizer } from "@tensorflow/tfjs-node";
import {
  tf, Tensor, relError, relErrorFloored, batchNormNative, reluNative, batchNormTraining, reluNativeOp, Module, DataLoader,
  randomFlip, normalizePerChannel, TrainingProgress, FitProgress, SaveBestModel, loadModel, LearningRateScheduler,
  setLearningRate, getLearningRate,
} from "../lib/index";

const leakFree = <T>(what: string, f: () => T): T => {
  const before = tf.memory().numTensors;
  const r = f();
  assert.equal(tf.memory().numTensors, before, `${what} leaked ${tf.memory().numTensors - before} tensors`);
  return r;
};

describe("assignment 2 high-level helpers: native batch norm and ReLU", function () {
  this.timeout(60000);
  const x = tf.randomNormal([8, 5, 5, 6], 1, 2, "float32", 1);
  const dy = tf.randomNormal([8, 5, 5, 6], 0, 1, "float32", 2);
  const gamma = tf.randomNormal([6], 1, 0.3, "float32", 3);
  const beta = tf.randomNormal([6], 0, 0.3, "float32", 4);
  after(() => tf.dispose([x, dy, gamma, beta]));

  it("batchNormTraining matches tfjs's moments + batchNorm, forward and gradients (x, gamma, beta)", () => {
    const eps = 1e-5;
    const ref = (a: Tensor, g: Tensor, b: Tensor): Tensor => tf.tidy(() => {
      const m = tf.moments(a, [0, 1, 2]);
      return tf.batchNorm(a, m.mean, m.variance, b, g, eps);
    });
    const ours = (a: Tensor, g: Tensor, b: Tensor): Tensor => {
      const r = batchNormTraining(a, g, b, eps);
      tf.dispose([r.mean, r.variance]);
      return r.y;
    };
    leakFree("batchNormTraining forward+backward", () => {
      const [yRef, yOurs] = [ref(x, gamma, beta), ours(x, gamma, beta)];
      // outputs near zero (x close to the mean) make the plain measure meaningless: floored (SPEC 2)
      // measured 5.4e-6 (oneDNN on, any ONEDNN_MAX_CPU_ISA), 2.2e-6 (oneDNN off): bound 5e-5
      assert.ok(relErrorFloored(yOurs, yRef) < 5e-5, `forward rel error ${relErrorFloored(yOurs, yRef)}`);
      const gRef = tf.grads(ref)([x, gamma, beta], dy);
      const gOurs = tf.grads(ours)([x, gamma, beta], dy);
      // dx has entries near zero by cancellation: floored measure (SPEC 2)
      const errs = gRef.map((g, i) => relErrorFloored(gOurs[i], g));
      // measured at most 2.3e-6 (oneDNN on, any ISA) and 4.0e-6 (off): bound 1e-4
      assert.ok(Math.max(...errs) < 1e-4, `gradient errors ${errs}`);
      tf.dispose([yRef, yOurs, ...gRef, ...gOurs]);
    });
    const r = batchNormTraining(x, gamma, beta, eps);
    const m = tf.moments(x, [0, 1, 2]);
    const n = 8 * 5 * 5;
    assert.ok(relError(r.mean, m.mean) < 1e-5);
    assert.ok(relError(r.variance, m.variance.mul(n / (n - 1))) < 1e-4, "batch variance is the unbiased one");
    tf.dispose([r.y, r.mean, r.variance, m.mean, m.variance]);
  });

  it("planted bugs fail those bounds: gamma gradient scaled by 1.01, unbiased variance in the forward pass", () => {
    const ours = (a: Tensor, g: Tensor, b: Tensor): Tensor => {
      const r = batchNormTraining(a, g, b, 1e-5);
      tf.dispose([r.mean, r.variance]);
      return r.y;
    };
    const ref = (a: Tensor, g: Tensor, b: Tensor): Tensor => {
      const mo = tf.moments(a, [0, 1, 2]);
      return tf.batchNorm(a, mo.mean, mo.variance, b, g, 1e-5);
    };
    const [, dg] = tf.grads(ours)([x, gamma, beta], dy);
    const [, dgRef] = tf.grads(ref)([x, gamma, beta], dy);
    const bad = dg.mul(1.01);
    assert.ok(relErrorFloored(bad, dgRef) > 1e-4);
    const n = 8 * 5 * 5;
    const yBad = tf.tidy(() => {
      const mo = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mo.mean, mo.variance.mul(n / (n - 1)), beta, gamma, 1e-5);
    });
    const yOurs = ours(x, gamma, beta);
    assert.ok(relErrorFloored(yOurs, yBad) > 5e-5, `${relErrorFloored(yOurs, yBad)}`);
    tf.dispose([dg, dgRef, bad, yBad, yOurs]);
  });

  it("BatchNormNative layer = tf.layers.batchNormalization (training and inference, moving averages, 2-D input)", () => {
    for (const shape of [[8, 5, 5, 6], [16, 6]]) {
      const inp = tf.randomNormal(shape, 2, 3, "float32", 5);
      const ours = batchNormNative({ momentum: 0.9, epsilon: 1e-5 });
      const theirs = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
      const a = ours.apply(inp, { training: true }) as Tensor;
      const b = theirs.apply(inp, { training: true }) as Tensor;
      assert.ok(relErrorFloored(a, b) < 5e-5, `training forward ${relErrorFloored(a, b)}`); // measured 5.3e-6
      assert.deepEqual(ours.getWeights().map((w) => w.shape), theirs.getWeights().map((w) => w.shape));
      // moving mean agrees; moving variance differs only by tfjs's biased vs TensorFlow's unbiased batch variance
      const [, , mmO, mvO] = ours.getWeights();
      const [, , mmT, mvT] = theirs.getWeights();
      assert.ok(relError(mmO, mmT) < 1e-5);
      const n = inp.size / shape[shape.length - 1];
      const corrected = mvT.sub(0.9).mul(n / (n - 1)).add(0.9);
      assert.ok(relError(mvO, corrected) < 1e-4, `moving variance ${relError(mvO, corrected)}`);
      const c = ours.apply(inp) as Tensor;
      const expected = tf.batchNorm(inp, mmO, mvO, undefined, undefined, 1e-5);
      assert.ok(relErrorFloored(c, expected) < 5e-5, "inference uses the moving statistics");
      expected.dispose();
      tf.dispose([inp, a, b, c, corrected]);
      ours.dispose();
      theirs.dispose();
    }
  });

  it("ReLU: native gradient equals tf.relu's; layer and op", () => {
    leakFree("reluNativeOp grad", () => {
      const g1 = tf.grad((a: Tensor) => tf.relu(a))(x, dy);
      const g2 = tf.grad((a: Tensor) => reluNativeOp(a))(x, dy);
      assert.equal(tf.tidy(() => tf.max(tf.abs(g1.sub(g2))).dataSync()[0]), 0);
      const layerOut = reluNative().apply(x) as Tensor;
      assert.equal(tf.tidy(() => tf.max(tf.abs(layerOut.sub(tf.relu(x)))).dataSync()[0]), 0);
      tf.dispose([g1, g2, layerOut]);
    });
  });
});

class Tiny extends Module {
  conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu" });
  blocks = [tf.layers.flatten(), tf.layers.dense({ units: 3 })];
  forward(x: Tensor, training: boolean): Tensor {
    let h = this.conv.apply(x, { training }) as Tensor;
    for (const b of this.blocks) h = b.apply(h, { training }) as Tensor;
    return h;
  }
}

describe("assignment 2 high-level helpers: Module, DataLoader, schedules", function () {
  this.timeout(60000);

  it("Module reports its sublayers' weights (tfjs#8253) and trains through optimizer.minimize", () => {
    const m = new Tiny();
    assert.throws(() => m.variables(), /no weights yet/);
    const x = tf.randomNormal([5, 6, 6, 2], 0, 1, "float32", 7);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1], "int32"), 3);
    tf.dispose(m.apply(x) as Tensor);
    assert.equal(m.trainableWeights.length, 4);
    assert.equal(m.countParams(), 3 * 3 * 2 * 4 + 4 + 6 * 6 * 4 * 3 + 3);
    const opt = tf.train.sgd(0.1);
    const loss = (): tf.Scalar => tf.losses.softmaxCrossEntropy(y, m.apply(x, { training: true }) as Tensor) as tf.Scalar;
    const l0 = tf.tidy(() => loss().dataSync()[0]);
    for (let i = 0; i < 20; i++) tf.dispose(opt.minimize(loss, true, m.variables()) as Tensor);
    const l1 = tf.tidy(() => loss().dataSync()[0]);
    assert.ok(l1 < l0 * 0.5, `loss ${l0} -> ${l1}`);
    // inside tf.sequential: summary counts the module's parameters
    const seq = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [6, 6, 2] }), new Tiny()] });
    assert.equal(seq.countParams(), 3 * 3 * 2 * 4 + 4 + 6 * 6 * 4 * 3 + 3);
    assert.deepEqual(seq.outputs[0].shape, [null, 3]);
    tf.dispose([x, y]);
  });

  it("DataLoader: batches of 64 cover every example once per epoch, reshuffled, seeded; transform; errors", () => {
    const X = tf.range(0, 150).reshape([150, 1, 1, 1]);
    const y = tf.range(0, 150, 1, "int32");
    const dl = new DataLoader(X, y, { batchSize: 64, shuffle: true, seed: 3 });
    assert.equal(dl.numBatches, 3);
    const epoch = (): number[] => {
      const seen: number[] = [];
      for (const [xb, yb] of dl) {
        assert.deepEqual(Array.from(xb.dataSync()), Array.from(yb.dataSync()), "x and y stay paired");
        seen.push(...Array.from(yb.dataSync()));
      }
      return seen;
    };
    const before = tf.memory().numTensors;
    const e1 = epoch();
    const e2 = epoch();
    assert.equal(tf.memory().numTensors, before, "batches are disposed by the loader");
    assert.deepEqual([...e1].sort((a, b) => a - b), Array.from({ length: 150 }, (_, i) => i));
    assert.notDeepEqual(e1, e2, "a new order every epoch");
    const again: number[] = [];
    for (const [, yb] of new DataLoader(X, y, { batchSize: 64, shuffle: true, seed: 3 })) again.push(...Array.from(yb.dataSync()));
    assert.deepEqual(again, e1, "same seed, same first epoch");
    // break out early: the current batch is still freed
    for (const [xb] of dl) { assert.equal(xb.shape[0], 64); break; }
    assert.equal(tf.memory().numTensors, before);
    const ordered = new DataLoader(X, y, { batchSize: 100, transform: (t) => t.mul(-1) });
    const sizes: number[] = [];
    for (const [xb] of ordered) { sizes.push(xb.shape[0]); assert.ok(xb.dataSync()[1] <= 0); }
    assert.deepEqual(sizes, [100, 50]);
    assert.throws(() => new DataLoader(X, tf.zeros([3]), {}), /150 examples but y has 3/);
    assert.throws(() => new DataLoader(X, y, { batchSize: 0 }), /positive integer/);
    tf.dispose([X, y]);
  });

  it("randomFlip flips about half the images left-right; normalizePerChannel uses the course's constants", () => {
    const img = tf.tidy(() => tf.range(0, 2 * 3 * 3).reshape([1, 2, 3, 3]).tile([200, 1, 1, 1]));
    const f = randomFlip(img, 11);
    const flipped = tf.tidy(() => f.sub(img).abs().sum([1, 2, 3]).greater(0).sum().dataSync()[0]);
    assert.ok(flipped > 70 && flipped < 130, `${flipped} of 200 flipped`);
    // every image is either unchanged or exactly mirrored
    const same = tf.tidy(() => f.sub(img).abs().sum([1, 2, 3]).equal(0));
    const mirrored = tf.tidy(() => f.sub(tf.reverse(img, 2)).abs().sum([1, 2, 3]).equal(0));
    assert.equal(tf.tidy(() => tf.logicalOr(same, mirrored).sum().dataSync()[0]), 200);
    const n = normalizePerChannel(tf.fill([1, 1, 1, 3], 255 * 0.4914));
    assert.ok(Math.abs(n.dataSync()[0]) < 1e-6);
    assert.ok(Math.abs(n.dataSync()[1] - (0.4914 - 0.4822) / 0.1994) < 1e-5);
    assert.throws(() => normalizePerChannel(tf.zeros([2, 3])), /\(N, H, W, C\) with 3 channels/);
    tf.dispose([img, f, same, mirrored, n]);
  });

  it("setLearningRate works for SGD, momentum and Adam; the fit scheduler sets it per batch", async () => {
    for (const opt of [tf.train.sgd(0.1), tf.train.momentum(0.1, 0.9, true), tf.train.adam(0.1)]) {
      setLearningRate(opt, 0.01);
      assert.equal(getLearningRate(opt), 0.01);
    }
    assert.throws(() => setLearningRate(tf.train.sgd(1), -1), />= 0/);
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2 })] });
    const opt = tf.train.sgd(1);
    model.compile({ optimizer: opt, loss: "meanSquaredError" });
    const seen: number[] = [];
    const sched = new LearningRateScheduler((t) => { seen.push(t); return 0.1 / (t + 1); });
    await model.fit(tf.zeros([6, 2]), tf.zeros([6, 2]), { batchSize: 2, epochs: 2, verbose: 0, callbacks: [sched] });
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
    assert.equal(getLearningRate(opt), 0.1 / 6);
  });
});

describe("assignment 2 high-level helpers: progress, checkpoints, no leak across epochs", function () {
  this.timeout(120000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-hl-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("TrainingProgress: line, epoch records, chart traces", () => {
    const p = new TrainingProgress({ epochs: 2, batchesPerEpoch: 4, quiet: true });
    for (let i = 0; i < 4; i++) p.batch(2 - i * 0.1, { acc: 0.1 * i });
    assert.match(p.line(), /^epoch 1\/2 ▕█{20}▏ 100% 4\/4 loss 1\.8500 acc 0\.1500 \| \d+ s$/);
    p.log({ val_acc: 0.3 });
    const r = p.endEpoch({ val_acc: 0.35 });
    assert.equal(r.epoch, 0);
    assert.ok(Math.abs(r.metrics.loss - 1.85) < 1e-9);
    assert.equal(r.metrics.val_acc, 0.35);
    p.batch(1.5);
    assert.match(p.line(), /^epoch 2\/2 ▕█{5}░{15}▏ 25% 1\/4 loss 1\.5000 \| \d+ s, ETA/);
    const names = p.figure().data.map((d) => d.name);
    assert.deepEqual(names, ["loss (batches)", "acc (batches)", "val_acc"]);
    assert.equal(p.figure().data[2].yaxis, "y2");
  });

  /** The notebook's manual loop, shortened: DataLoader + minimize + TrainingProgress + accuracy. */
  function manualEpoch(model: Module, opt: Optimizer, loader: DataLoader, progress: TrainingProgress, Xv: Tensor, yv: Tensor): void {
    for (const [x, y] of loader) {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), model.apply(x, { training: true }) as Tensor) as tf.Scalar, true, model.variables());
      progress.batch((loss as tf.Scalar).dataSync()[0]);
      tf.dispose(loss as tf.Scalar);
    }
    const acc = tf.tidy(() => (model.apply(Xv) as Tensor).argMax(1).equal(yv).mean().dataSync()[0]);
    progress.endEpoch({ val_acc: acc });
  }

  class Net extends Module {
    conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", useBias: false });
    bn = batchNormNative();
    relu = reluNative();
    pool = tf.layers.maxPooling2d({ poolSize: 2 });
    drop = tf.layers.dropout({ rate: 0.25 });
    flat = tf.layers.flatten();
    fc = tf.layers.dense({ units: 10 });
    forward(x: Tensor, training: boolean): Tensor {
      let h = x;
      for (const l of [this.conv, this.bn, this.relu, this.pool, this.drop, this.flat, this.fc]) h = l.apply(h, { training }) as Tensor;
      return h;
    }
  }

  it("a manual loop over epochs (Module, native layers, DataLoader with flips, Adam) keeps tf.memory().numTensors flat", () => {
    const X = tf.randomNormal([96, 8, 8, 3], 0, 1, "float32", 21);
    const y = tf.randomUniform([96], 0, 10, "int32", 22);
    const model = new Net();
    tf.dispose(model.apply(X.slice([0], [2])) as Tensor);
    const opt = tf.train.adam(1e-3);
    const loader = new DataLoader(X, y, { batchSize: 32, shuffle: true, transform: (t) => randomFlip(t) });
    const progress = new TrainingProgress({ epochs: 4, batchesPerEpoch: loader.numBatches, quiet: true });
    manualEpoch(model, opt, loader, progress, X, y); // the optimizer creates its state in the first epoch
    const counts: number[] = [];
    for (let e = 1; e < 4; e++) {
      manualEpoch(model, opt, loader, progress, X, y);
      counts.push(tf.memory().numTensors);
    }
    assert.equal(new Set(counts).size, 1, `numTensors per epoch: ${counts}`);
    assert.equal(progress.epochs.length, 4);
    tf.dispose([X, y]);
  });

  it("model.fit with FitProgress, SaveBestModel and a schedule keeps numTensors flat; the saved best model loads back", async () => {
    const X = tf.randomNormal([128, 8, 8, 3], 0, 1, "float32", 31);
    const yInt = tf.randomUniform([128], 0, 10, "int32", 32);
    const Y = tf.oneHot(yInt, 10);
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: "same", useBias: false }),
        batchNormNative({ momentum: 0.9 }), reluNative(), tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(), tf.layers.dense({ units: 10 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: "categoricalCrossentropy", metrics: ["acc"] });
    const counts: number[] = [];
    const counter = new tf.CustomCallback({ onEpochEnd: async () => { counts.push(tf.memory().numTensors); } });
    const progress = new FitProgress({ quiet: true });
    const best = new SaveBestModel(path.join(dir, "best"), { verbose: false });
    const sched = new LearningRateScheduler((t) => 1e-2 * (1 - t / 40));
    await model.fit(X, Y, { batchSize: 32, epochs: 5, shuffle: true, verbose: 0, validationData: [X, Y], callbacks: [progress, best, sched, counter] });
    assert.equal(new Set(counts.slice(1)).size, 1, `numTensors per epoch: ${counts}`);
    assert.equal(progress.progress?.epochs.length, 5);
    assert.equal(progress.progress?.losses.length, 20);
    assert.ok(typeof progress.progress?.epochs[4].metrics.val_acc === "number");
    assert.ok(best.bestEpoch >= 0 && fs.existsSync(path.join(dir, "best", "model.json")));
    const loaded = await loadModel(path.join(dir, "best"));
    const kinds = (m: LayersModel): string[] => m.layers.map((l) => l.getClassName()).filter((k) => k !== "InputLayer");
    assert.deepEqual(kinds(loaded), kinds(model));
    loaded.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", metrics: ["acc"] });
    const [, acc] = loaded.evaluate(X, Y) as Tensor[];
    assert.ok(Math.abs(acc.dataSync()[0] - best.best) < 1e-6, `reloaded accuracy ${acc.dataSync()[0]} vs best ${best.best}`);
    await assert.rejects(loadModel(path.join(dir, "nothing")), /could not load .*nothing.*model\.json/);
    await assert.rejects(
      model.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new SaveBestModel(path.join(dir, "x"))] }),
      /fit reported no "val_acc"/,
    );
    tf.dispose([X, yInt, Y, acc]);
  });
});

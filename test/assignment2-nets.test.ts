/**
 * Assignment 2 nets and training: FullyConnectedNet (any depth, batchnorm / layernorm, dropout,
 * seeds) against tf.grad and the notebooks' numeric gradient checks (with planted bugs), and
 * Solver (update rules by name, lrDecay, best params, histories, checkpoints, silence, overfitting
 * 50 CIFAR-10 images, no tensor leak across epochs).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tf, Tensor } from "../lib/tf";
import { relErrorScaled, gradCheckModel } from "../lib/gradientCheck";
import { FullyConnectedNet } from "../lib/classifiers/fcNet";
import { Solver } from "../lib/solver";
import { getCifar10Data } from "../lib/data";
import * as batchnormModule from "../lib/layers/batchnorm";
import * as dropoutModule from "../lib/layers/dropout";
import type { BatchnormCache, DropoutCache } from "../lib/layers";

const arr = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const rn = (shape: number[], seed: number, s = 1): Tensor => tf.randomNormal(shape, 0, s, "float32", seed);
const pm = (n: number, v: number): Tensor => tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -v : v)));
const le = (v: number, t: number, what: string): void => assert.ok(v <= t, `${what}: ${v.toExponential(3)} > ${t}`);

/** The net written with TensorFlow ops (same dropout masks: same seed and shapes), for tf.grads. */
function netTf(params: Record<string, Tensor>, names: string[], X: Tensor, y: Tensor, L: number, o: { norm: string | null; keep: number; seed?: number; reg: number }) {
  return (...ps: Tensor[]): Tensor => {
    const p: Record<string, Tensor> = {};
    names.forEach((n, i) => (p[n] = ps[i]));
    let h = X.reshape([X.shape[0], -1]);
    for (let k = 1; k < L; k++) {
      let a = h.matMul(p[`W${k}`]).add(p[`b${k}`]);
      if (o.norm) {
        const { mean, variance } = tf.moments(a, o.norm === "batchnorm" ? 0 : 1, o.norm === "layernorm");
        a = a.sub(mean).div(variance.add(1e-5).sqrt()).mul(p[`gamma${k}`]).add(p[`beta${k}`]);
      }
      h = a.relu();
      if (o.keep < 1) h = h.mul(tf.randomUniform(h.shape, 0, 1, "float32", o.seed).less(o.keep).cast("float32").div(o.keep));
    }
    const scores = h.matMul(p[`W${L}`]).add(p[`b${L}`]);
    let sq = tf.scalar(0);
    for (let k = 1; k <= L; k++) sq = sq.add(p[`W${k}`].square().sum());
    return tf.losses.softmaxCrossEntropy(tf.oneHot(y, scores.shape[1] as number), scores).add(sq.mul(0.5 * o.reg));
  };
}

/**
 * The notebooks' gradient-check points (float32): params set explicitly, not by the student's init.
 * Plain / dropout nets (N = 2, the course's): W ~ N(0, 0.1²), hidden biases ±1 keep every ReLU input
 * away from its kink. Batchnorm net: N = 8 (with two examples batchnorm maps each feature to ±1, a
 * smoothed step of width ~sqrt(eps): ill-conditioned in float32), gamma 1 and beta ±3 for the same
 * reason.
 */
function checkPoint(norm: "batchnorm" | null, keep: number, reg: number): { model: FullyConnectedNet; X: Tensor; y: Tensor } {
  const N = norm ? 8 : 2, D = 15, dims = [D, 20, 30, 10];
  const model = new FullyConnectedNet({ hiddenDims: [20, 30], inputDim: D, numClasses: 10, reg, weightScale: 5e-2, seed: 123, normalization: norm, dropoutKeepRatio: keep });
  tf.dispose(Object.values(model.params));
  for (let k = 1; k <= 3; k++) {
    model.params[`W${k}`] = rn([dims[k - 1], dims[k]], 300 + k, 0.1);
    model.params[`b${k}`] = k < 3 && !norm ? pm(dims[k], 1) : tf.zeros([dims[k]]);
    if (norm && k < 3) {
      model.params[`gamma${k}`] = tf.ones([dims[k]]);
      model.params[`beta${k}`] = pm(dims[k], 3);
    }
  }
  return { model, X: rn([N, D], 231), y: tf.randomUniform([N], 0, 10, "int32", 232) };
}

/** Runs fn with a module function replaced (a planted bug), restoring it afterwards. */
function withPatched<M extends object, K extends keyof M>(mod: M, key: K, impl: M[K], fn: () => void): void {
  const orig = mod[key];
  (mod as Record<K, M[K]>)[key] = impl;
  try {
    fn();
  } finally {
    (mod as Record<K, M[K]>)[key] = orig;
  }
}

describe("assignment 2: FullyConnectedNet", () => {
  it("parameters: cs231n keys and shapes, init statistics, seeded init reproducible, bad options refused", () => {
    const m = new FullyConnectedNet({ hiddenDims: [60, 40, 30], inputDim: 50, numClasses: 7, weightScale: 0.1, normalization: "batchnorm", initSeed: 5 });
    assert.deepEqual(Object.keys(m.params).sort(), ["W1", "W2", "W3", "W4", "b1", "b2", "b3", "b4", "beta1", "beta2", "beta3", "gamma1", "gamma2", "gamma3"]);
    assert.deepEqual(m.params.W1.shape, [50, 60]);
    assert.deepEqual(m.params.W4.shape, [30, 7]);
    assert.deepEqual(m.params.gamma2.shape, [40]);
    assert.equal(m.numLayers, 4);
    const w = arr(m.params.W1);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(std - 0.1) < 0.01, `W1 std ${std}`);
    assert.ok(arr(m.params.b2).every((v) => v === 0) && arr(m.params.gamma3).every((v) => v === 1) && arr(m.params.beta1).every((v) => v === 0));
    const m2 = new FullyConnectedNet({ hiddenDims: [60, 40, 30], inputDim: 50, numClasses: 7, weightScale: 0.1, normalization: "batchnorm", initSeed: 5 });
    assert.deepEqual(arr(m2.params.W3), arr(m.params.W3));
    assert.notDeepEqual(arr(m.params.W1).slice(0, 10), arr(m.params.W2).slice(0, 10));
    assert.deepEqual(Object.keys(new FullyConnectedNet({ hiddenDims: [] , inputDim: 4, numClasses: 3 }).params).sort(), ["W1", "b1"]);
    assert.throws(() => new FullyConnectedNet({ hiddenDims: [3], dropoutKeepRatio: 0 }), /dropoutKeepRatio must be in \(0, 1\]/);
    assert.throws(() => new FullyConnectedNet({ hiddenDims: [3], normalization: "groupnorm" as "batchnorm" }), /normalization must be/);
    tf.dispose([...Object.values(m.params), ...Object.values(m2.params)]);
  });

  it("initial loss ≈ log(10) for the course's small net; regularization adds 0.5 reg ΣW²", () => {
    tf.tidy(() => {
      const X = rn([2, 15], 1), y = tf.tensor1d([2, 9], "int32");
      const m = new FullyConnectedNet({ hiddenDims: [20, 30], inputDim: 15, numClasses: 10, weightScale: 5e-2, seed: 0 });
      const [l0] = m.loss(X, y);
      assert.ok(Math.abs(l0 - Math.log(10)) < 0.1, `initial loss ${l0}`);
      m.reg = 3.14;
      const [l1] = m.loss(X, y);
      const sq = ["W1", "W2", "W3"].reduce((s, k) => s + arr(m.params[k].square().sum())[0], 0);
      assert.ok(Math.abs(l1 - l0 - 0.5 * 3.14 * sq) < 1e-4, `${l1} vs ${l0} + ${0.5 * 3.14 * sq}`);
    });
  });

  const cases = [
    { norm: null, keep: 1, reg: 0 }, { norm: null, keep: 1, reg: 3.14 }, { norm: "batchnorm", keep: 1, reg: 0.5 },
    { norm: "layernorm", keep: 1, reg: 0.5 }, { norm: null, keep: 0.5, reg: 0 }, { norm: "batchnorm", keep: 0.75, reg: 0.1 },
  ] as const;
  for (const o of cases) {
    it(`gradients equal tf.grad: normalization ${o.norm}, keep ${o.keep}, reg ${o.reg}`, () => {
      tf.tidy(() => {
        const X = rn([32, 3, 2, 2], 61), y = tf.randomUniform([32], 0, 5, "int32", 62);
        const m = new FullyConnectedNet({ hiddenDims: [9, 8], inputDim: 12, numClasses: 5, weightScale: 0.3, reg: o.reg, normalization: o.norm, dropoutKeepRatio: o.keep, seed: 17 });
        const [loss, grads] = m.loss(X, y);
        const names = Object.keys(m.params).sort();
        assert.deepEqual(Object.keys(grads).sort(), names);
        const ref = tf.valueAndGrads(netTf(m.params, names, X, y, 3, { norm: o.norm, keep: o.keep, seed: 17, reg: o.reg }));
        const { value, grads: g } = ref(names.map((n) => m.params[n]));
        le(Math.abs(loss - arr(value)[0]) / loss, 1e-5, "loss");
        // the whole gradient as one vector (relErrorScaled), within a fifth of the notebooks' 1e-5
        const flat = (gs: Tensor[]): number[] => gs.flatMap(arr);
        le(relErrorScaled(flat(names.map((n) => grads[n])), flat(g)), 2e-6, "all gradients");
        // a bias before batchnorm has no effect: its gradient is 0 up to rounding
        if (o.norm === "batchnorm") for (const n of ["b1", "b2"]) le(Math.max(...arr(grads[n].abs())), 1e-6, n);
      });
    });
  }

  it("test mode: running batchnorm statistics, no dropout, deterministic scores (N, C)", () => {
    tf.tidy(() => {
      const X = rn([20, 12], 71), y = tf.randomUniform([20], 0, 5, "int32", 72);
      const m = new FullyConnectedNet({ hiddenDims: [9], inputDim: 12, numClasses: 5, weightScale: 0.3, normalization: "batchnorm", dropoutKeepRatio: 0.5 });
      m.loss(X, y);
      const s1 = m.loss(X), s2 = m.loss(X);
      assert.deepEqual(s1.shape, [20, 5]);
      assert.deepEqual(arr(s1), arr(s2));
      assert.equal(m.dropoutParam.mode, "test");
      // the scores are those of the net with the running statistics (after one training call: 0.1 x batch stats)
      const a = X.matMul(m.params.W1).add(m.params.b1);
      const bp = m.bnParams[0];
      const h = a.sub(bp.runningMean!).div(bp.runningVar!.add(1e-5).sqrt()).mul(m.params.gamma1).add(m.params.beta1).relu();
      le(relErrorScaled(s1, h.matMul(m.params.W2).add(m.params.b2)), 2e-6, "test-mode scores");
    });
  });

  it("the notebooks' numeric gradient checks pass (overall relErrorScaled < 5e-3, all entries or 10 per parameter) and catch planted bugs", () => {
    const overall = (norm: "batchnorm" | null, keep: number, reg: number, numChecks?: number): number => {
      const { model, X, y } = checkPoint(norm, keep, reg);
      const r = gradCheckModel(model, X, y, { numChecks });
      tf.dispose([...Object.values(model.params), X, y, ...(model.bnParams.flatMap((b) => [b.runningMean!, b.runningVar!]))]);
      return r.overall;
    };
    // every entry (full mode) for the plain and the batchnorm net; 10 per parameter (quick mode) for all;
    // within a fifth of the notebooks' threshold 5e-3 (measured ≤ 6.1e-4 on AVX-512, AVX2 and SSE4.1)
    le(overall(null, 1, 0), 1e-3, "plain, reg 0, all entries");
    le(overall("batchnorm", 1, 0), 1e-3, "batchnorm, reg 0, all entries");
    for (const [norm, keep, reg] of [[null, 1, 0], [null, 1, 3.14], [null, 0.75, 0], [null, 0.5, 0], ["batchnorm", 1, 0], ["batchnorm", 1, 3.14]] as const)
      le(overall(norm, keep, reg, 10), 1e-3, `${norm} keep ${keep} reg ${reg}, 10 entries per parameter`);
    const bugs: [string, (numChecks?: number) => number][] = [
      ["regularization gradient 2 reg W", (numChecks) => {
        const { model, X, y } = checkPoint(null, 1, 3.14);
        const orig = model.loss.bind(model);
        (model as { loss: unknown }).loss = (XX: Tensor, yy?: Tensor) => {
          if (!yy) return orig(XX);
          const [l, g] = orig(XX, yy);
          return [l, { ...g, W2: g.W2.add(model.params.W2.mul(3.14)) }];
        };
        return gradCheckModel(model, X, y, { numChecks }).overall;
      }],
      ["dropout backward without the mask", (numChecks) => {
        let r = 0;
        withPatched(dropoutModule, "dropoutBackward", (dout: Tensor, _c: DropoutCache) => dout.clone(), () => {
          const { model, X, y } = checkPoint(null, 0.5, 0);
          r = gradCheckModel(model, X, y, { numChecks }).overall;
        });
        return r;
      }],
      ["batchnorm backward with an N-1 variance", (numChecks) => {
        let r = 0;
        // (the net's sandwich uses the closed form; its N-1 version scales the variance term by N/(N-1))
        withPatched(batchnormModule, "batchnormBackwardAlt", (dout: Tensor, c: BatchnormCache): [Tensor, Tensor, Tensor] => {
          const N = dout.shape[0];
          const dxhat = dout.mul(c.gamma);
          const dx = dxhat.mul(N).sub(dxhat.sum(0)).sub(c.xhat.mul(dxhat.mul(c.xhat).sum(0)).mul(N / (N - 1))).div(c.std.mul(N));
          return [dx, dout.mul(c.xhat).sum(0), dout.sum(0)];
        }, () => {
          const { model, X, y } = checkPoint("batchnorm", 1, 0);
          r = gradCheckModel(model, X, y, { numChecks }).overall;
        });
        return r;
      }],
    ];
    // the bugs fail even the quick check of 10 entries per parameter (the full check includes them)
    for (const [what, run] of bugs) {
      const e = tf.tidy(() => run(10));
      assert.ok(e > 5e-3, `${what}: overall ${e.toExponential(3)} would pass the notebooks' threshold 5e-3`);
    }
  });
});

describe("assignment 2: Solver", function () {
  this.timeout(300000);
  let d: ReturnType<typeof getCifar10Data>;
  before(() => (d = getCifar10Data({ numTraining: 500, numValidation: 100, numTest: 10 })));
  after(() => tf.dispose([d.XTrain, d.yTrain, d.XVal, d.yVal, d.XTest, d.yTest]));

  it("update rules by name, per-parameter state, lrDecay per epoch, histories, best params, checkpoints, silent", () => {
    const data = { XTrain: d.XTrain, yTrain: d.yTrain, XVal: d.XVal, yVal: d.yVal };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-solver-"));
    const logged: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void logged.push(a.join(" "));
    try {
      for (const rule of ["sgd", "sgdMomentum", "rmsprop", "adam"] as const) {
        const lr = { sgd: 1e-3, sgdMomentum: 1e-3, rmsprop: 1e-4, adam: 1e-3 }[rule];
        const m = new FullyConnectedNet({ hiddenDims: [30], weightScale: 5e-3, initSeed: 1 });
        const s = new Solver(m, data, {
          updateRule: rule, optimConfig: { learningRate: lr }, lrDecay: 0.5,
          numEpochs: 3, batchSize: 50, verbose: false, seed: 2, checkpointName: rule === "adam" ? path.join(dir, "ck") : undefined,
        });
        s.train();
        const first = s.lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
        const last = s.lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
        assert.ok(last < first, `${rule}: loss ${first} → ${last}`);
        assert.equal(s.lossHistory.length, 30);
        assert.equal(s.trainAccHistory.length, 4);
        assert.equal(s.valAccHistory.length, 4);
        assert.equal(s.bestValAcc, Math.max(...s.valAccHistory));
        for (const k of Object.keys(m.params)) {
          assert.ok(Math.abs((s.optimConfigs[k].learningRate as number) - lr * 0.125) < 1e-12, `${rule} lr after 3 epochs`);
          assert.deepEqual(arr(m.params[k]), arr(s.bestParams[k]), "the model ends with the best params");
        }
        if (rule === "sgdMomentum") assert.notEqual(s.optimConfigs.W1.velocity, s.optimConfigs.W2.velocity);
        if (rule === "adam") assert.equal(s.optimConfigs.W1.t, 30);
        tf.dispose([...Object.values(m.params), ...Object.values(s.bestParams)]);
      }
      const files = fs.readdirSync(dir).sort();
      assert.deepEqual(files, ["ck_epoch_1.json", "ck_epoch_2.json", "ck_epoch_3.json"]);
      const ck = JSON.parse(fs.readFileSync(path.join(dir, "ck_epoch_3.json"), "utf8"));
      assert.equal(ck.epoch, 3);
      assert.deepEqual(ck.params.W1.shape, [3072, 30]);
    } finally {
      console.log = log;
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(logged, [], "verbose: false prints nothing");
    assert.throws(() => new Solver(new FullyConnectedNet({ hiddenDims: [] }), data, { updateRule: "nesterov" as "sgd" }), /unknown updateRule "nesterov"/);
  });

  it("overfits 50 CIFAR-10 images to 100% training accuracy within 20 epochs (3-layer and 5-layer nets)", () => {
    const small = { XTrain: d.XTrain.slice([0], [50]), yTrain: d.yTrain.slice([0], [50]), XVal: d.XVal, yVal: d.yVal };
    for (const [hiddenDims, weightScale, learningRate] of [[[100, 100], 2e-2, 1e-2], [[100, 100, 100, 100], 1e-1, 1e-3]] as [number[], number, number][]) {
      const m = new FullyConnectedNet({ hiddenDims, weightScale, initSeed: 0 });
      const s = new Solver(m, small, { updateRule: "sgd", optimConfig: { learningRate }, numEpochs: 20, batchSize: 25, verbose: false, seed: 0 });
      s.train();
      assert.equal(s.trainAccHistory[s.trainAccHistory.length - 1], 1, `${hiddenDims.length + 1} layers: ${s.trainAccHistory}`);
      tf.dispose([...Object.values(m.params), ...Object.values(s.bestParams)]);
    }
    tf.dispose([small.XTrain, small.yTrain]);
  });

  it("does not leak: batchnorm + dropout + adam, tf.memory().numTensors flat across epochs", () => {
    const m = new FullyConnectedNet({ hiddenDims: [40, 30], weightScale: 5e-2, normalization: "batchnorm", dropoutKeepRatio: 0.7, initSeed: 3 });
    const s = new Solver(m, { XTrain: d.XTrain, yTrain: d.yTrain, XVal: d.XVal, yVal: d.yVal }, { updateRule: "adam", numEpochs: 1, batchSize: 50, verbose: false, seed: 4 });
    s.train();
    const after1 = tf.memory().numTensors;
    s.numEpochs = 3;
    s.train();
    assert.equal(tf.memory().numTensors, after1, "three more epochs leave the tensor count unchanged");
    const ln = new FullyConnectedNet({ hiddenDims: [20], weightScale: 5e-2, normalization: "layernorm", initSeed: 3 });
    const s2 = new Solver(ln, { XTrain: d.XTrain, yTrain: d.yTrain, XVal: d.XVal, yVal: d.yVal }, { updateRule: "rmsprop", numEpochs: 1, batchSize: 100, verbose: false, seed: 4 });
    s2.train();
    const n2 = tf.memory().numTensors;
    s2.train();
    assert.equal(tf.memory().numTensors, n2);
  });
});

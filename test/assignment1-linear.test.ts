/**
 * Assignment 1 (kNN, SVM, softmax): hand-computed values, naive vs vectorized, manual vs tf.grad,
 * numeric gradient checks, kNN distance methods on real CIFAR-10, short trainings, leaks.
 */
import { strict as assert } from "assert";
import {
  tf, Tensor, loadCifar10, majorityClassRate,
  relError, relErrorFloored, relErrorScaled, evalNumericalGradient, evalNumericalGradientArray, gradCheckSparse,
  KNearestNeighbor, svmLossNaive, svmLossVectorized, softmaxLossNaive, softmaxLossVectorized,
  LinearSVM, Softmax,
} from "../lib/index";
import { assertFloat32Close } from "./helpers/float32";

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);
}
function arr(t: Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

// Tiny hand-checked problem: N=2, D=2, C=3.
const Xt = () => tf.tensor2d([[1, 2], [3, -1]]);
const Wt = () => tf.tensor2d([[0.1, 0.2, -0.1], [0.3, -0.2, 0.0]]);
const yt = () => tf.tensor1d([0, 2], "int32");

/** Same SVM loss written directly with tf ops, for tf.grad. */
function svmLossTf(W: Tensor, X: Tensor, y: Tensor, reg: number): Tensor {
  const N = X.shape[0] as number;
  const C = W.shape[1] as number;
  const scores = tf.matMul(X, W);
  const oh = tf.oneHot(y, C).toFloat();
  const correct = scores.mul(oh).sum(1, true);
  const m = tf.maximum(scores.sub(correct).add(1), 0).mul(tf.scalar(1).sub(oh));
  return m.sum().div(N).add(W.square().sum().mul(reg));
}
function softmaxLossTf(W: Tensor, X: Tensor, y: Tensor, reg: number): Tensor {
  const C = W.shape[1] as number;
  const logp = tf.logSoftmax(tf.matMul(X, W));
  return logp.mul(tf.oneHot(y, C)).sum().neg().div(X.shape[0] as number).add(W.square().sum().mul(reg));
}

function randomProblem(seed: number, N = 40, D = 50, C = 10): { W: Tensor; X: Tensor; y: Tensor } {
  return {
    W: tf.randomNormal([D, C], 0, 0.01, "float32", seed),
    X: tf.randomNormal([N, D], 0, 10, "float32", seed + 1),
    y: tf.randomUniform([N], 0, C, "int32", seed + 2),
  };
}

describe("assignment 1: gradient check utilities", () => {
  it("relError follows the course's elementwise formula", () => {
    close(relError([1, 2], [1, 2]), 0, 0, "equal");
    close(relError([1, 2], [1, 3]), 1 / 5, 1e-12, "one differs");
    close(relError(0, 0), 0, 0, "zeros");
    close(relError([1e-3, 100], [2e-3, 100]), 1 / 3, 1e-12, "small element dominates");
    close(relErrorFloored([1e-3, 100], [2e-3, 100]), 1e-3 / 1, 1e-12, "floored at 1% of max|y|");
    close(relErrorScaled([1e-3, 100], [2e-3, 100]), 1e-3 / 100, 1e-12, "against the scale max|y|");
    close(relErrorScaled([1.02, -2.04], [1, -2]), 0.02, 1e-12, "a 2% error everywhere");
  });

  it("evalNumericalGradient and evalNumericalGradientArray match known derivatives", () => {
    const x = tf.tensor2d([[0.5, -1.5], [2, 0.25]]);
    const g = evalNumericalGradient((t) => tf.tidy(() => (t.square().sum().dataSync() as Float32Array)[0]), x);
    assert.ok(relError(g, x.mul(2)) < 1e-4, `grad of sum(x^2): ${arr(g)}`);
    const df = tf.tensor2d([[1, 2], [3, 4]]);
    const ga = evalNumericalGradientArray((t) => t.mul(3), x, df);
    assert.ok(relError(ga, df.mul(3)) < 1e-4, `grad of 3x: ${arr(ga)}`);
    tf.dispose([x, g, df, ga]);
  });
});

describe("assignment 1: kNN", () => {
  it("hand-computed distances and votes (ties to the smallest label)", () => {
    const knn = new KNearestNeighbor();
    const XTr = tf.tensor2d([[0, 0], [1, 0], [0, 2]]);
    const yTr = tf.tensor1d([0, 1, 1], "int32");
    const XTe = tf.tensor2d([[0, 0], [1, 1]]);
    knn.train(XTr, yTr);
    const expected = [0, 1, 2, Math.SQRT2, 1, Math.SQRT2];
    for (const d of [knn.computeDistancesTwoLoops(XTe), knn.computeDistancesOneLoop(XTe), knn.computeDistancesNoLoops(XTe)]) {
      assert.deepEqual(d.shape, [2, 3]);
      arr(d).forEach((v, i) => close(v, expected[i], 1e-6, `dist ${i}`));
      d.dispose();
    }
    assert.deepEqual(arr(knn.predict(XTe, 1, 2)), [0, 1]);
    assert.deepEqual(arr(knn.predict(XTe, 2, 0)), [0, 0]); // two 1-1 ties go to label 0
    assert.deepEqual(arr(knn.predict(XTe, 3, 1)), [1, 1]);
    const p = knn.predict(XTe, 1);
    assert.equal(p.dtype, "int32");
  });

  describe("on real CIFAR-10 (500 train / 50 test)", function () {
    this.timeout(60000);
    let XTr: Tensor, yTr: Tensor, XTe: Tensor, yTe: Tensor;
    before(() => {
      const d = loadCifar10();
      XTr = d.XTrain.slice([0], [500]).reshape([500, -1]);
      yTr = d.yTrain.slice([0], [500]);
      XTe = d.XTest.slice([0], [50]).reshape([50, -1]);
      yTe = d.yTest.slice([0], [50]);
      tf.dispose([d.XTrain, d.yTrain, d.XTest, d.yTest]);
    });
    after(() => tf.dispose([XTr, yTr, XTe, yTe]));

    it("the three distance methods agree and give identical predictions", () => {
      const knn = new KNearestNeighbor();
      knn.train(XTr, yTr);
      const d2 = knn.computeDistancesTwoLoops(XTe);
      const d1 = knn.computeDistancesOneLoop(XTe);
      const d0 = knn.computeDistancesNoLoops(XTe);
      assert.deepEqual(d2.shape, [50, 500]);
      assertFloat32Close(d1, d2, 1e-5, "one vs two loops");
      // |a|² + |b|² − 2a·b cancels: its float32 error is relative to |a|² (pixel sums ~1e7), not to the distance
      assertFloat32Close(d0, d2, 1e-4, "no loops vs two loops");
      for (const k of [1, 5]) {
        const p = [d2, d1, d0].map((d) => arr(knn.predictLabels(d, k)));
        assert.deepEqual(p[1], p[0]);
        assert.deepEqual(p[2], p[0]);
      }
      tf.dispose([d0, d1, d2]);
    });
  });

  it("on the notebook's quick split (2,000 train / 200 test) k = 1 and k = 5 beat the constant predictor by 5 points", () => {
    // (50 test images are too few: k = 5 on 500 training images scores below their majority class, 18%)
    const d = loadCifar10();
    const [XTr, yTr, XTe, yTe] = tf.tidy(() => [d.XTrain.slice([0], [2000]).reshape([2000, -1]), d.yTrain.slice([0], [2000]), d.XTest.slice([0], [200]).reshape([200, -1]), d.yTest.slice([0], [200])]);
    tf.dispose([d.XTrain, d.yTrain, d.XTest, d.yTest]);
    const knn = new KNearestNeighbor();
    knn.train(XTr, yTr);
    const dists = knn.computeDistancesNoLoops(XTe);
    const constant = majorityClassRate(yTe); // 0.14
    for (const k of [1, 5]) {
      const acc = tf.tidy(() => knn.predictLabels(dists, k).equal(yTe).toFloat().mean().dataSync()[0]); // 0.24, 0.225
      assert.ok(acc >= constant + 0.05, `k=${k} accuracy ${acc}, the most frequent class ${constant}`);
    }
    tf.dispose([XTr, yTr, XTe, yTe, dists]);
  });
});

describe("assignment 1: SVM loss", () => {
  it("hand-computed loss and gradient", () => {
    const [W, X, y] = [Wt(), Xt(), yt()];
    const dWexp = [0.52, 2.04, -2.52, -2.44, 0.46, 2.0];
    for (const fn of [svmLossNaive, svmLossVectorized]) {
      const [loss, dW] = fn(W, X, y, 0.1);
      close(loss, 1.869, 1e-5, `${fn.name} loss`);
      assert.deepEqual(dW.shape, [2, 3]);
      arr(dW).forEach((v, i) => close(v, dWexp[i], 1e-5, `${fn.name} dW[${i}]`));
      dW.dispose();
    }
    tf.dispose([W, X, y]);
  });

  it("naive == vectorized, vectorized == tf.grad, numeric check passes", () => {
    const { W, X, y } = randomProblem(1);
    const reg = 0.3;
    const [ln, dn] = svmLossNaive(W, X, y, reg);
    const [lv, dv] = svmLossVectorized(W, X, y, reg);
    assert.ok(relError(ln, lv) < 1e-5, `loss ${ln} vs ${lv}`);
    assertFloat32Close(dv, dn, 1e-5, "dW vectorized vs naive");
    const auto = tf.grad((w: Tensor) => svmLossTf(w, X, y, reg))(W);
    assertFloat32Close(dv, auto, 1e-5, "dW vectorized vs tf.grad");
    const f = (w: Tensor) => svmLossNaive(w, X, y, reg)[0];
    const before = tf.memory().numTensors;
    const checks = gradCheckSparse(f, W, dn, 10, 1e-5, 7);
    assert.equal(tf.memory().numTensors, before, "f drops dW: gradCheckSparse frees it");
    const bad = checks.filter((c) => c.relError > 1e-4);
    assert.ok(bad.length <= 1, `sparse check (a kink may be crossed once): ${JSON.stringify(bad)}`);
    tf.dispose([W, X, y, dn, dv, auto]);
  });
});

describe("assignment 1: softmax loss", () => {
  it("hand-computed loss and gradient", () => {
    const [X, y] = [Xt(), yt()];
    const W0 = tf.zeros([2, 3]);
    const dWexp = [1 / 6, 2 / 3, -5 / 6, -5 / 6, 1 / 6, 2 / 3];
    const W = Wt();
    const lse = (s: number[]) => Math.log(s.reduce((a, b) => a + Math.exp(b), 0));
    const lossW = (lse([0.7, -0.2, -0.1]) - 0.7 + lse([0, 0.8, -0.3]) + 0.3) / 2 + 0.1 * 0.19;
    for (const fn of [softmaxLossNaive, softmaxLossVectorized]) {
      const [loss, dW] = fn(W0, X, y, 0.1);
      close(loss, Math.log(3), 1e-6, `${fn.name} loss at W=0`);
      arr(dW).forEach((v, i) => close(v, dWexp[i], 1e-6, `${fn.name} dW[${i}]`));
      const [l2, d2] = fn(W, X, y, 0.1);
      close(l2, lossW, 1e-6, `${fn.name} loss`);
      tf.dispose([dW, d2]);
    }
    tf.dispose([X, y, W0, W]);
  });

  it("is numerically stable for large scores", () => {
    const X = tf.tensor2d([[1000, 0], [0, -1000]]);
    const W = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
    const y = tf.tensor1d([0, 1], "int32");
    for (const fn of [softmaxLossNaive, softmaxLossVectorized]) {
      const [loss, dW] = fn(W, X, y, 0);
      close(loss, (1000 + Math.log(2)) / 2, 1e-3, `${fn.name}`);
      assert.ok(arr(dW).every(Number.isFinite));
      dW.dispose();
    }
    tf.dispose([X, W, y]);
  });

  it("naive == vectorized, vectorized == tf.grad, numeric check passes", () => {
    const { W, X, y } = randomProblem(11);
    const reg = 0.3;
    const [ln, dn] = softmaxLossNaive(W, X, y, reg);
    const [lv, dv] = softmaxLossVectorized(W, X, y, reg);
    assert.ok(relError(ln, lv) < 1e-5, `loss ${ln} vs ${lv}`);
    assertFloat32Close(dv, dn, 1e-5, "dW vectorized vs naive");
    const auto = tf.grad((w: Tensor) => softmaxLossTf(w, X, y, reg))(W);
    assertFloat32Close(dv, auto, 1e-5, "dW vectorized vs tf.grad");
    const num = evalNumericalGradient((w) => softmaxLossNaive(w, X, y, reg)[0], W, { h: 1e-5 });
    assertFloat32Close(num, dn, 1e-5, "numeric (float64 loss, h = 1e-5) vs naive");
    const checks = gradCheckSparse((w) => softmaxLossNaive(w, X, y, reg)[0], W, dn, 10, 1e-5, 3);
    assert.ok(checks.every((c) => c.relError < 1e-5), JSON.stringify(checks));
    tf.dispose([W, X, y, dn, dv, auto, num]);
  });
});

describe("assignment 1: linear classifiers on real CIFAR-10", function () {
  this.timeout(60000);
  let XTr: Tensor, yTr: Tensor, XDev: Tensor, yDev: Tensor;
  before(() => {
    const d = loadCifar10();
    const prep = (X: Tensor, n: number) => tf.tidy(() => {
      const flat = X.slice([0], [n]).reshape([n, -1]);
      return tf.concat([flat.sub(flat.mean(0)), tf.ones([n, 1])], 1);
    });
    XTr = prep(d.XTrain, 2000);
    yTr = d.yTrain.slice([0], [2000]);
    XDev = prep(d.XTest, 500);
    yDev = d.yTest.slice([0], [500]);
    tf.dispose([d.XTrain, d.yTrain, d.XTest, d.yTest]);
  });
  after(() => tf.dispose([XTr, yTr, XDev, yDev]));

  it("initial softmax loss with small W is about -log(0.1)", () => {
    const W = tf.randomNormal([3073, 10], 0, 1, "float32", 3).mul(0.0001); // seeded (tfjs: seed 0 = unseeded)
    const [loss, dW] = softmaxLossVectorized(W, XDev, yDev, 0);
    close(loss, -Math.log(0.1), 0.1, "initial loss");
    tf.dispose([W, dW]);
  });

  it("SVM and softmax training reduce the loss; predict gives int32 labels", () => {
    for (const clf of [new LinearSVM(), new Softmax()]) {
      const hist = clf.train(XTr, yTr, { learningRate: 1e-7, reg: 2.5e4, numIters: 150, batchSize: 200, seed: 1 });
      assert.equal(hist.length, 150);
      const first = hist.slice(0, 10).reduce((a, b) => a + b) / 10;
      const last = hist.slice(-10).reduce((a, b) => a + b) / 10;
      assert.ok(last < 0.7 * first, `${clf.constructor.name}: loss ${first} -> ${last}`);
      const pred = clf.predict(XTr);
      assert.equal(pred.dtype, "int32");
      assert.deepEqual(pred.shape, [2000]);
      const acc = tf.tidy(() => (pred.equal(yTr).toFloat().mean().dataSync() as Float32Array)[0]); // SVM 0.28, softmax 0.19
      assert.ok(acc >= majorityClassRate(yTr) + 0.05, `${clf.constructor.name} training accuracy ${acc}, the most frequent class ${majorityClassRate(yTr)}`);
      pred.dispose();
      clf.dispose();
    }
  });

  it("does not leak tensors across training iterations", () => {
    const clf = new Softmax();
    clf.train(XTr, yTr, { numIters: 1, learningRate: 1e-7, reg: 1e3, seed: 2 });
    const before = tf.memory().numTensors;
    clf.train(XTr, yTr, { numIters: 50, learningRate: 1e-7, reg: 1e3, seed: 3 });
    assert.equal(tf.memory().numTensors, before);
    const svm = new LinearSVM();
    svm.train(XTr, yTr, { numIters: 50, learningRate: 1e-7, reg: 1e3, seed: 4 });
    assert.equal(tf.memory().numTensors, before + 1); // just svm.W
    const [, g] = svmLossNaive(svm.W as Tensor, XDev, yDev, 1);
    g.dispose();
    tf.dispose(svm.predict(XDev));
    assert.equal(tf.memory().numTensors, before + 1);
    clf.dispose();
    svm.dispose();
    assert.equal(tf.memory().numTensors, before - 1);
  });
});

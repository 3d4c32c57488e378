import { strict as assert } from "assert";
import { tf, Tensor } from "../lib/tf";
import { relError } from "../lib/gradientCheck";
import { affineForward, affineBackward, reluForward, reluBackward, svmLoss, softmaxLoss } from "../lib/layers";
import { affineReluForward, affineReluBackward } from "../lib/layerUtils";
import { sgd } from "../lib/optim";
import { TwoLayerNet } from "../lib/classifiers/fcNet";
import { Solver } from "../lib/solver";
import { hogFeature, colorHistogramHsv, colorHistogramHsvFn, extractFeatures } from "../lib/features";
import { getCifar10Data, majorityClassRate } from "../lib/data";
import { assertFloat32Close } from "./helpers/float32";

const linspace = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const lin = (a: number, b: number, shape: number[]): Tensor => tf.tensor(linspace(a, b, shape.reduce((p, q) => p * q, 1)), shape);
const data = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

describe("assignment 1 layers", () => {
  it("affineForward reproduces the course's linspace example", () => {
    const x = lin(-0.1, 0.5, [2, 4, 5, 6]);
    const w = lin(-0.2, 0.3, [120, 3]);
    const b = lin(-0.3, 0.1, [3]);
    const [out] = affineForward(x, w, b);
    const correct = [[1.49834967, 1.70660132, 1.91485297], [3.25553199, 3.5141327, 3.77273342]];
    assert.deepEqual(out.shape, [2, 3]);
    assert.ok(relError(out, correct.flat()) <= 1e-5, `rel err ${relError(out, correct.flat())}`);
    tf.dispose([x, w, b, out]);
  });

  it("reluForward reproduces the course's values", () => {
    const x = lin(-0.5, 0.5, [3, 4]);
    const [out] = reluForward(x);
    const correct = [0, 0, 0, 0, 0, 0, 0.04545455, 0.13636364, 0.22727273, 0.31818182, 0.40909091, 0.5];
    assert.ok(relError(out, correct) <= 1e-5);
    tf.dispose([x, out]);
  });

  it("affineBackward and reluBackward equal tf.grad", () => {
    const x = tf.randomNormal([10, 2, 3], 0, 1, "float32", 1);
    const w = tf.randomNormal([6, 5], 0, 1, "float32", 2);
    const b = tf.randomNormal([5], 0, 1, "float32", 3);
    const dout = tf.randomNormal([10, 5], 0, 1, "float32", 4);
    const [out, cache] = affineForward(x, w, b);
    const [dx, dw, db] = affineBackward(dout, cache);
    const g = tf.grads((xx: Tensor, ww: Tensor, bb: Tensor) => xx.reshape([10, 6]).matMul(ww).add(bb))([x, w, b], dout);
    assert.deepEqual(dx.shape, [10, 2, 3]);
    assertFloat32Close(dx, g[0], 1e-5, "affine dx vs tf.grad");
    assertFloat32Close(dw, g[1], 1e-5, "affine dw vs tf.grad");
    assertFloat32Close(db, g[2], 1e-5, "affine db vs tf.grad");

    const xr = tf.randomNormal([10, 10], 0, 1, "float32", 5);
    const dr = tf.randomNormal([10, 10], 0, 1, "float32", 6);
    const [ro, rc] = reluForward(xr);
    const rdx = reluBackward(dr, rc);
    const rg = tf.grad((t: Tensor) => tf.relu(t))(xr, dr);
    assertFloat32Close(rdx, rg, 1e-5, "relu dx vs tf.grad");

    const [aro, arc] = affineReluForward(x, w, b);
    const [adx, adw, adb] = affineReluBackward(dout, arc);
    const ag = tf.grads((xx: Tensor, ww: Tensor, bb: Tensor) => tf.relu(xx.reshape([10, 6]).matMul(ww).add(bb)))([x, w, b], dout);
    ["dx", "dw", "db"].forEach((k, i) => assertFloat32Close([adx, adw, adb][i], ag[i], 1e-5, `affineRelu ${k} vs tf.grad`));
    tf.dispose([x, w, b, dout, out, dx, dw, db, ...g, xr, dr, ro, rdx, rg, aro, adx, adw, adb, ...ag]);
  });

  it("svmLoss ≈ 9 and softmaxLoss ≈ log(10) for tiny scores; dx equals tf.grad", () => {
    const x = tf.randomNormal([50, 10], 0, 0.001, "float32", 7);
    const y = tf.randomUniform([50], 0, 10, "int32", 8);
    const [ls, dxs] = svmLoss(x, y);
    const [lm, dxm] = softmaxLoss(x, y);
    assert.ok(Math.abs(ls - 9) < 0.01, `svm ${ls}`);
    assert.ok(Math.abs(lm - Math.log(10)) < 0.01, `softmax ${lm}`);
    const onehot = tf.oneHot(y, 10).cast("float32");
    const gs = tf.grad((s: Tensor) => s.sub(s.mul(onehot).sum(1, true)).add(1).relu().mul(tf.scalar(1).sub(onehot)).sum().div(50))(x);
    const gm = tf.grad((s: Tensor) => tf.losses.softmaxCrossEntropy(onehot, s))(x);
    assertFloat32Close(dxs, gs, 1e-5, "svm dx vs tf.grad");
    assertFloat32Close(dxm, gm, 1e-5, "softmax dx vs tf.grad");
    tf.dispose([x, y, dxs, dxm, onehot, gs, gm]);
  });
});

describe("assignment 1 optim", () => {
  const N = 4, D = 5;
  const w64 = linspace(-0.4, 0.6, N * D), dw64 = linspace(-0.6, 0.4, N * D);
  const w = () => lin(-0.4, 0.6, [N, D]);
  const dw = () => lin(-0.6, 0.4, [N, D]);

  it("sgd", () => {
    const [nw, cfg] = sgd(w(), dw(), { learningRate: 0.1 });
    assert.ok(relError(nw, w64.map((x, i) => x - 0.1 * dw64[i])) <= 1e-5);
    assert.equal(cfg.learningRate, 0.1);
    const [, d] = sgd(w(), dw());
    assert.equal(d.learningRate, 1e-2);
  });
  // sgdMomentum, rmsprop, adam (assignment 2): test/assignment2-layers.test.ts
});

describe("TwoLayerNet", () => {
  it("reproduces the course's scores and losses for the linspace parameters", () => {
    const N = 3, D = 5, H = 50, C = 7;
    const X = tf.tensor2d(linspace(-5.5, 4.5, N * D), [D, N]).transpose();
    const y = tf.tensor1d([0, 5, 1], "int32");
    const model = new TwoLayerNet({ inputDim: D, hiddenDim: H, numClasses: C, weightScale: 1e-3 });
    tf.dispose(Object.values(model.params));
    model.params = { W1: lin(-0.7, 0.3, [D, H]), b1: lin(-0.1, 0.9, [H]), W2: lin(-0.3, 0.4, [H, C]), b2: lin(-0.9, 0.1, [C]) };
    const scores = model.loss(X);
    const correct = [
      [11.53165108, 12.2917344, 13.05181771, 13.81190102, 14.57198434, 15.33206765, 16.09215096],
      [12.05769098, 12.74614105, 13.43459113, 14.1230412, 14.81149128, 15.49994135, 16.18839143],
      [12.58373087, 13.20054771, 13.81736455, 14.43418138, 15.05099822, 15.66781506, 16.2846319],
    ];
    assert.ok(relError(scores, correct.flat()) <= 1e-5, `scores ${relError(scores, correct.flat())}`);
    const [loss] = model.loss(X, y);
    assert.ok(Math.abs(loss - 3.4702243556) < 1e-5, `loss ${loss}`);
    model.reg = 1.0;
    const [lossReg] = model.loss(X, y);
    assert.ok(Math.abs(lossReg - 26.5948426952) / 26.59 < 1e-5, `reg loss ${lossReg}`);
  });

  it("gradients equal tf.grad (with regularization)", () => {
    const model = new TwoLayerNet({ inputDim: 12, hiddenDim: 8, numClasses: 4, weightScale: 0.5, reg: 0.3, seed: 3 });
    const X = tf.randomNormal([6, 3, 2, 2], 0, 1, "float32", 11);
    const y = tf.tensor1d([0, 1, 2, 3, 0, 1], "int32");
    const before = tf.memory().numTensors;
    const [loss, grads] = model.loss(X, y);
    assert.equal(tf.memory().numTensors - before, 4, "loss() leaves exactly the 4 gradients");
    const onehot = tf.oneHot(y, 4).cast("float32");
    const f = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor => {
      const s = tf.relu(X.reshape([6, 12]).matMul(W1).add(b1)).matMul(W2).add(b2);
      return tf.losses.softmaxCrossEntropy(onehot, s).add(W1.square().sum().add(W2.square().sum()).mul(0.15));
    };
    const { W1, b1, W2, b2 } = model.params;
    const { value, grads: g } = tf.valueAndGrads(f)([W1, b1, W2, b2]);
    assert.ok(Math.abs(loss - data(value)[0]) / Math.abs(loss) < 1e-5);
    ["W1", "b1", "W2", "b2"].forEach((k, i) => assertFloat32Close(grads[k], g[i], 1e-5, `${k} vs tf.grad`));
  });
});

describe("Solver", function () {
  this.timeout(60000);
  let d: ReturnType<typeof getCifar10Data>;
  before(() => {
    d = getCifar10Data({ numTraining: 500, numValidation: 100, numTest: 10 });
  });

  it("reduces the loss on 500 CIFAR-10 images and overfits 50", () => {
    const model = new TwoLayerNet({ hiddenDim: 50, weightScale: 1e-3, seed: 0 });
    const solver = new Solver(model, { XTrain: d.XTrain, yTrain: d.yTrain, XVal: d.XVal, yVal: d.yVal },
      { updateRule: "sgd", optimConfig: { learningRate: 1e-3 }, numEpochs: 5, batchSize: 50, verbose: false, seed: 1 });
    solver.train();
    const first = solver.lossHistory.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = solver.lossHistory.slice(-5).reduce((a, b) => a + b) / 5;
    assert.ok(last < first - 0.1, `loss ${first} → ${last}`);
    assert.equal(solver.valAccHistory.length, 6);
    // 0.29 against 0.17 for the most frequent class of these 100 validation images
    assert.ok(solver.bestValAcc >= majorityClassRate(d.yVal) + 0.05, `val acc ${solver.bestValAcc}, the most frequent class ${majorityClassRate(d.yVal)}`);

    const Xs = d.XTrain.slice([0], [50]);
    const ys = d.yTrain.slice([0], [50]);
    const small = new TwoLayerNet({ hiddenDim: 100, weightScale: 1e-3, seed: 2 });
    const s2 = new Solver(small, { XTrain: Xs, yTrain: ys, XVal: d.XVal, yVal: d.yVal },
      { updateRule: "adam", optimConfig: { learningRate: 1e-3 }, numEpochs: 20, batchSize: 25, verbose: false, seed: 3 });
    s2.train();
    assert.ok(s2.trainAccHistory[s2.trainAccHistory.length - 1] >= 0.9, `train acc ${s2.trainAccHistory}`);
  });

  it("does not leak tensors", () => {
    const model = new TwoLayerNet({ hiddenDim: 20, weightScale: 1e-2, seed: 0 });
    const solver = new Solver(model, { XTrain: d.XTrain, yTrain: d.yTrain, XVal: d.XVal, yVal: d.yVal },
      { updateRule: "sgdMomentum", numEpochs: 2, batchSize: 100, verbose: false, seed: 1 });
    const before = tf.memory().numTensors;
    solver.train();
    // bestParams (4 clones) and one velocity per parameter (4) are the only new tensors
    assert.equal(tf.memory().numTensors - before, 8);
    const again = tf.memory().numTensors;
    solver.train();
    assert.equal(tf.memory().numTensors, again);
  });
});

describe("features", () => {
  it("HOG: 144 dims for 32x32 and hand-checked values on ramps", () => {
    const img = tf.randomUniform([32, 32, 3], 0, 255, "float32", 1);
    const f = hogFeature(img);
    assert.deepEqual(f.shape, [144]);
    // horizontal ramp: gray = 10.3 * col → gradient 10.3 pointing at 90° → bin 4 (7 of 8 columns)
    const px = new Float32Array(8 * 8 * 3);
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) for (let k = 0; k < 3; k++) px[(r * 8 + c) * 3 + k] = 10 * c;
    const h = data(hogFeature(tf.tensor3d(px, [8, 8, 3])));
    const exp = new Array(9).fill(0);
    exp[4] = (10.3 * 56) / 64;
    assert.ok(relError(h, exp) < 1e-5, `${h}`);
    // diagonal ramp: gray = 10.3 (r + c) → 49 interior pixels at 135° (bin 6), 7 bottom-row pixels at 90°
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) for (let k = 0; k < 3; k++) px[(r * 8 + c) * 3 + k] = 10 * (r + c);
    const h2 = data(hogFeature(tf.tensor3d(px, [8, 8, 3])));
    const exp2 = new Array(9).fill(0);
    exp2[6] = (49 * 10.3 * Math.SQRT2) / 64;
    exp2[4] = (7 * 10.3) / 64;
    assert.ok(relError(h2, exp2) < 1e-5, `${h2}`);
  });

  it("HSV hue histogram: nbin dims, pure colours in the right bins", () => {
    const px = new Float32Array(4 * 4 * 3);
    for (let p = 0; p < 16; p++) {
      if (p < 8) px[p * 3] = 255; // red: hue 0 → bin 0
      else if (p < 12) px[p * 3 + 1] = 255; // green: hue 1/3 → 85 → bin 3
      else px[p * 3 + 2] = 255; // blue: hue 2/3 → 170 → bin 6
    }
    const h = data(colorHistogramHsv(tf.tensor3d(px, [4, 4, 3])));
    assert.deepEqual(h, [0.5, 0, 0, 0.25, 0, 0, 0.25, 0, 0, 0]);
    const h5 = colorHistogramHsv(tf.tensor3d(px, [4, 4, 3]), { nbin: 5, normalized: false });
    assert.deepEqual(data(h5), [8, 4, 0, 4, 0]);
  });

  it("extractFeatures concatenates features per image", () => {
    const imgs = tf.randomUniform([5, 32, 32, 3], 0, 255, "float32", 2);
    const custom = (img: Tensor) => img.mean().reshape([1]);
    const F = extractFeatures(imgs, [hogFeature, colorHistogramHsvFn({ nbin: 10 }), custom]);
    assert.deepEqual(F.shape, [5, 155]);
    const one = data(hogFeature(imgs.slice([3], [1]).reshape([32, 32, 3])));
    assert.ok(relError(F.slice([3, 0], [1, 144]), one) < 1e-6);
    const m = data(imgs.slice([3], [1]).mean())[0];
    assert.ok(Math.abs(data(F)[3 * 155 + 154] - m) < 1e-3);
  });
});

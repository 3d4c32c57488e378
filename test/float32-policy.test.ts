/**
 * The float32 thresholds of assignment 1 still catch real bugs (planted-bug tests). Each case rebuilds a
 * graded measurement of a notebook (same inputs and measure), plants a defect a student could make, and
 * requires the measure to fail the threshold that grading.json states for it. The other side of the
 * policy, margin ≥ 5 on every CPU for correct code, is measured by `npm run float32:sweep` and asserted
 * by the notebook tests (test/helpers/float32.ts).
 */
import { strict as assert } from "assert";
import { tf, Tensor } from "../lib/tf";
import { evalNumericalGradient, relErrorScaled } from "../lib/gradientCheck";
import { TwoLayerNet } from "../lib/classifiers/fcNet";
import { svmLossVectorized } from "../lib/classifiers/linearSvm";
import { KNearestNeighbor } from "../lib/classifiers/kNearestNeighbor";
import { assignment } from "../grader/course";
import { loadRules } from "../grader/references";

const rules = loadRules(assignment("assignment1"), false);
const threshold = (id: string): number => {
  const r = rules[id];
  assert.ok(r && r.rule === "<=", `${id} has a <= rule`);
  return r.threshold;
};

describe("float32 thresholds of assignment 1 fail planted bugs", () => {
  it("relErrorScaled: ~1e-7 for a re-ordered float32 sum, the size of the error for a wrong gradient", () => {
    const x = tf.randomNormal([200, 300], 0, 1, "float32", 1);
    const w = tf.randomNormal([300, 50], 0, 1, "float32", 2);
    const a = x.matMul(w);
    const b = tf.tidy(() => tf.concat([x.slice([0, 0], [-1, 150]).matMul(w.slice([0, 0], [150, -1])), x.slice([0, 150], [-1, 150]).matMul(w.slice([150, 0], [150, -1]))], 0).reshape([2, 200, 50]).sum(0));
    assert.ok(relErrorScaled(a, b) < 1e-6, `re-ordered sum: ${relErrorScaled(a, b)}`);
    assert.ok(Math.abs(relErrorScaled(a.mul(1.02), a) - 0.02) < 1e-6);
    tf.dispose([x, w, a, b]);
  });

  // two_layer_net's gradient check (notebook cell "Now the gradients"): N=3, D=5, H=50, C=7, reg 0.7
  const netCase = (bug: (grads: Record<string, Tensor>, params: Record<string, Tensor>, reg: number) => void): { numeric: number; autodiff: number } => {
    const reg = 0.7;
    const N = 3, D = 5, H = 50, C = 7;
    const X = tf.randomNormal([N, D], 0, 1, "float32", 243);
    const y = tf.tensor1d([1, 4, 6], "int32");
    const onehot = tf.oneHot(y, C).cast("float32");
    const model = new TwoLayerNet({ inputDim: D, hiddenDim: H, numClasses: C, weightScale: 0.1, reg, seed: 244 });
    model.params.b1.dispose();
    model.params.b1 = tf.tensor1d(Array.from({ length: H }, (_, i) => (i % 3 === 0 ? -1 : 1)));
    const [, grads] = model.loss(X, y);
    bug(grads, model.params, reg);
    const names = ["W1", "b1", "W2", "b2"];
    const auto = tf.grads((W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) =>
      tf.losses.softmaxCrossEntropy(onehot, tf.relu(X.matMul(W1).add(b1)).matMul(W2).add(b2)).add(W1.square().sum().add(W2.square().sum()).mul(0.5 * reg)),
    )(names.map((k) => model.params[k]));
    let numeric = 0, autodiff = 0;
    names.forEach((name, i) => {
      const num = evalNumericalGradient((p) => {
        const old = model.params[name];
        model.params[name] = p;
        const [l, g] = model.loss(X, y);
        tf.dispose(Object.values(g));
        model.params[name] = old;
        return l;
      }, model.params[name], { h: 1e-2 });
      numeric = Math.max(numeric, relErrorScaled(grads[name], num));
      autodiff = Math.max(autodiff, relErrorScaled(grads[name], auto[i]));
      num.dispose();
    });
    tf.dispose([X, y, onehot, ...auto, ...Object.values(grads), ...Object.values(model.params)]);
    return { numeric, autodiff };
  };
  const replace = (grads: Record<string, Tensor>, k: string, f: (g: Tensor) => Tensor): void => {
    const old = grads[k];
    grads[k] = f(old);
    old.dispose();
  };

  it("TwoLayerNet: a 2% gradient error and a missing regularization gradient fail both checks", () => {
    const numT = threshold("two_layer_net/grad_error_reg07");
    const autoT = threshold("two_layer_net/grad_autodiff_error_reg07");
    const ok = netCase(() => undefined);
    assert.ok(ok.numeric <= numT && ok.autodiff <= autoT, `correct code passes: ${JSON.stringify(ok)}`);
    const scaled = netCase((g) => replace(g, "W1", (t) => t.mul(1.02)));
    assert.ok(scaled.numeric > numT, `2% error in dW1, numeric check: ${scaled.numeric} vs ${numT}`);
    assert.ok(scaled.autodiff > autoT, `2% error in dW1, tf.grad check: ${scaled.autodiff} vs ${autoT}`);
    const noReg = netCase((g, p, reg) => replace(g, "W2", (t) => t.sub(p.W2.mul(reg))));
    assert.ok(noReg.numeric > numT && noReg.autodiff > autoT, `dW2 without the regularization term: ${JSON.stringify(noReg)}`);
  });

  it("SVM: a gradient without the regularization term fails the tf.grad and naive-vs-vectorized checks", () => {
    const Ws = tf.randomNormal([20, 10], 0, 0.01, "float32", 5);
    const Xs = tf.randomNormal([30, 20], 0, 1, "float32", 6);
    const ys = tf.randomUniform([30], 0, 10, "int32", 7);
    const reg = 0.1;
    const [, g] = svmLossVectorized(Ws, Xs, ys, reg);
    const bad = tf.tidy(() => g.sub(Ws.mul(2 * reg)));
    const [, g0] = svmLossVectorized(Ws, Xs, ys, 0);
    // the check compares with tf.grad of the regularized loss: the unregularized gradient is what a
    // student who forgot the term returns
    assert.ok(relErrorScaled(bad, g) > threshold("svm/grad_vs_autodiff"), `${relErrorScaled(bad, g)}`);
    assert.ok(relErrorScaled(g0, g) > threshold("svm/grad_rel_error"));
    const twoPercent = tf.tidy(() => g.mul(1.02));
    assert.ok(relErrorScaled(twoPercent, g) > threshold("svm/grad_vs_autodiff_dev"));
    tf.dispose([Ws, Xs, ys, g, bad, g0, twoPercent]);
  });

  it("kNN: a no-loop distance without the square root, or with a wrong cross term, fails", () => {
    const Xtr = tf.randomUniform([60, 48], 0, 255, "float32", 8);
    const Xte = tf.randomUniform([20, 48], 0, 255, "float32", 9);
    const knn = new KNearestNeighbor();
    const labels = tf.zeros([60], "int32");
    knn.train(Xtr, labels);
    const dists = knn.computeDistancesTwoLoops(Xte);
    const frob = (a: Tensor, b: Tensor): number => tf.tidy(() => a.sub(b).square().sum().sqrt().div(b.square().sum().sqrt()).dataSync()[0]);
    const t = threshold("knn/no_loop_rel_difference");
    const noLoops = knn.computeDistancesNoLoops(Xte);
    assert.ok(frob(noLoops, dists) <= t);
    const crossOnce = tf.tidy(() => Xte.square().sum(1, true).add(Xtr.square().sum(1)).sub(Xte.matMul(Xtr, false, true)).maximum(0).sqrt());
    assert.ok(frob(crossOnce, dists) > t, "-a·b instead of -2a·b");
    const noSqrt = tf.tidy(() => dists.square());
    assert.ok(frob(noSqrt, dists) > threshold("knn/one_loop_rel_difference"));
    tf.dispose([Xtr, Xte, labels, dists, noLoops, crossOnce, noSqrt]);
  });
});

/**
 * Assignment 2 layers and update rules: batchnorm (+ alternative backward), layernorm, dropout, the
 * affine-norm-relu sandwich, sgdMomentum / rmsprop / adam. Course expected values, float64 JS
 * references, tf.grad, numeric gradient checks at the notebooks' float32 steps, and planted bugs
 * showing those checks fail a wrong gradient.
 */
import { strict as assert } from "assert";
import { tf, Tensor } from "../lib/tf";
import { linspace, lin, arr, rn, le, gt } from "./helpers/tensors";
import { relError, relErrorScaled, evalNumericalGradientArray } from "../lib/gradientCheck";
import {
  batchnormForward, batchnormBackward, batchnormBackwardAlt, BnParam, BatchnormCache,
  layernormForward, layernormBackward, LayernormCache, dropoutForward, dropoutBackward,
} from "../lib/layers";
import { affineNormReluForward, affineNormReluBackward } from "../lib/layerUtils";
import { sgdMomentum, rmsprop, adam, OptimConfig, UpdateRule } from "../lib/optim";

// Thresholds are the notebooks' (relErrorScaled: autodiff ≤ 1e-5, numerical < 5e-3); correct code must
// stay within a fifth of them (the float32 margin, grader/float32.ts), planted bugs must exceed them.

/** Per-column mean and (biased) std of an (N, D) tensor, in float64. */
function colStats(t: Tensor): { mean: number[]; std: number[] } {
  const [N, D] = t.shape as [number, number];
  const a = arr(t);
  const mean = Array.from({ length: D }, (_, j) => a.filter((_, i) => i % D === j).reduce((s, v) => s + v, 0) / N);
  const std = mean.map((m, j) => Math.sqrt(a.filter((_, i) => i % D === j).reduce((s, v) => s + (v - m) ** 2, 0) / N));
  return { mean, std };
}

/** batchnorm written with TensorFlow ops, for tf.grad. */
const bnTf = (x: Tensor, g: Tensor, b: Tensor): Tensor => {
  const { mean, variance } = tf.moments(x, 0);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
};
const lnTf = (x: Tensor, g: Tensor, b: Tensor): Tensor => {
  const { mean, variance } = tf.moments(x, 1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
};

describe("assignment 2: batch normalization", () => {
  afterEach(() => tf.disposeVariables());

  it("train mode: per-feature means ≈ beta and stds ≈ gamma (the course's two-layer activations)", () => {
    tf.tidy(() => {
      const X = rn([200, 50], 231);
      const a = X.matMul(rn([50, 60], 232)).relu().matMul(rn([60, 3], 233));
      const gamma = tf.tensor1d([1, 2, 3]);
      const beta = tf.tensor1d([11, 12, 13]);
      const [out] = batchnormForward(a, gamma, beta, { mode: "train" });
      const { mean, std } = colStats(out);
      mean.forEach((m, j) => assert.ok(Math.abs(m - [11, 12, 13][j]) < 1e-4, `mean ${m}`));
      // biased variance: std = gamma * sqrt(var / (var + eps)) (an unbiased N-1 variance would give 0.9975 gamma)
      std.forEach((s, j) => assert.ok(Math.abs(s - [1, 2, 3][j]) < 1e-4, `std ${s}`));
    });
  });

  it("running statistics: zeros at first, momentum 0.9 updates over several calls, test mode uses them", () => {
    tf.tidy(() => {
      const W1 = rn([50, 60], 1), W2 = rn([60, 3], 2);
      const gamma = tf.ones([3]), beta = tf.zeros([3]);
      const bp: BnParam = { mode: "train" };
      let rm = [0, 0, 0], rv = [0, 0, 0];
      for (let t = 0; t < 5; t++) {
        const a = rn([200, 50], 10 + t).matMul(W1).relu().matMul(W2);
        batchnormForward(a, gamma, beta, bp);
        const { mean, std } = colStats(a);
        rm = rm.map((r, j) => 0.9 * r + 0.1 * mean[j]);
        rv = rv.map((r, j) => 0.9 * r + 0.1 * std[j] ** 2);
      }
      le(relError(bp.runningMean!, rm), 1e-5, "running mean after 5 calls");
      le(relError(bp.runningVar!, rv), 1e-5, "running var after 5 calls");
      // custom momentum and eps are honoured
      const bp2: BnParam = { mode: "train", momentum: 0.5, eps: 1e-2 };
      const x = rn([8, 3], 3, 0.1);
      const [o2] = batchnormForward(x, gamma, beta, bp2);
      const s = colStats(x);
      le(relError(bp2.runningMean!, s.mean.map((m) => 0.5 * m)), 1e-5, "momentum 0.5");
      le(relErrorScaled(o2, x.sub(tf.tensor1d(s.mean)).div(tf.tensor1d(s.std.map((v) => Math.sqrt(v * v + 1e-2))))), 2e-6, "eps 1e-2");
      // test mode: normalizes with the running statistics and leaves them unchanged
      bp.mode = "test";
      const before = arr(bp.runningMean!);
      const xt = rn([200, 50], 99).matMul(W1).relu().matMul(W2);
      const [ot] = batchnormForward(xt, gamma, beta, bp);
      const expected = xt.sub(tf.tensor1d(rm)).div(tf.tensor1d(rv.map((v) => Math.sqrt(v + 1e-5))));
      le(relErrorScaled(ot, expected), 2e-6, "test-mode output");
      assert.deepEqual(arr(bp.runningMean!), before);
      assert.throws(() => batchnormForward(xt, gamma, beta, { mode: "eval" as unknown as "test" }), /invalid mode "eval"/);
    });
  });

  it("after 50 warm-up passes, test-mode means ≈ 0 and stds ≈ 1; the running state does not leak", () => {
    const W1 = rn([50, 60], 5), W2 = rn([60, 3], 6);
    const gamma = tf.ones([3]), beta = tf.zeros([3]);
    const bp: BnParam = { mode: "train" };
    const n0 = tf.memory().numTensors;
    for (let t = 0; t < 50; t++) tf.tidy(() => { batchnormForward(rn([200, 50], 100 + t).matMul(W1).relu().matMul(W2), gamma, beta, bp); });
    assert.equal(tf.memory().numTensors, n0 + 2, "only the running mean and variance stay");
    bp.mode = "test";
    tf.tidy(() => {
      const [out] = batchnormForward(rn([200, 50], 7).matMul(W1).relu().matMul(W2), gamma, beta, bp);
      const { mean, std } = colStats(out);
      mean.forEach((m) => assert.ok(Math.abs(m) < 0.2, `test-mode mean ${m}`));
      std.forEach((s) => assert.ok(Math.abs(s - 1) < 0.2, `test-mode std ${s}`));
    });
    tf.dispose([W1, W2, gamma, beta, bp.runningMean!, bp.runningVar!]);
  });

  it("backward (graph) and alternative backward equal tf.grad; the alternative runs fewer kernels", async () => {
    const x = rn([100, 50], 11, 5, 12), g = rn([50], 12), b = rn([50], 13), dout = rn([100, 50], 14);
    const [, c] = batchnormForward(x, g, b, { mode: "train" });
    const [dx, dg, db] = batchnormBackward(dout, c);
    const [dx2, dg2, db2] = batchnormBackwardAlt(dout, c);
    const auto = tf.grads(bnTf)([x, g, b], dout);
    // dx sums to zero over each column, so some entries are cancellation noise: floored measure
    le(relErrorScaled(dx, auto[0]), 2e-6, "dx vs tf.grad");
    le(relError(dg, auto[1]), 1e-5, "dgamma vs tf.grad");
    le(relError(db, auto[2]), 1e-5, "dbeta vs tf.grad");
    le(relErrorScaled(dx2, dx), 2e-6, "alt dx");
    le(relError(dg2, dg) + relError(db2, db), 1e-6, "alt dgamma, dbeta");
    // tf.profile reuses one record: read each count before the next profile
    const graph = (await tf.profile(() => batchnormBackward(dout, c))).kernels.length;
    const alt = (await tf.profile(() => batchnormBackwardAlt(dout, c))).kernels.length;
    assert.ok(alt < graph, `alt ${alt} kernels vs graph ${graph}`);
  });

  it("numeric gradient check (h = 1e-2; h = 1e-4 when var ≈ eps) passes and catches planted bugs", () => {
    tf.tidy(() => {
      // planted bugs: an unbiased (N-1) variance in the backward pass; eps added outside the square root
      const bugNm1 = (dout: Tensor, c: BatchnormCache): Tensor => {
        const { xc, std, gamma } = c;
        const N = dout.shape[0];
        const dxhat = dout.mul(gamma);
        const dvar = dxhat.mul(xc).sum(0).neg().div(std.square()).mul(0.5).div(std);
        const dxc = dxhat.div(std).add(xc.mul(2 / (N - 1)).mul(dvar));
        return dxc.sub(dxc.mean(0));
      };
      const bugEpsOut = (dout: Tensor, c: BatchnormCache): Tensor => {
        const N = dout.shape[0];
        const std = c.xc.square().mean(0).sqrt().add(1e-5);
        const xhat = c.xc.div(std);
        const dxhat = dout.mul(c.gamma);
        return dxhat.mul(N).sub(dxhat.sum(0)).sub(xhat.mul(dxhat.mul(xhat).sum(0))).div(std.mul(N));
      };
      for (const [what, x, h] of [["x = 5 randn + 12", rn([4, 5], 21, 5, 12), 1e-2], ["var ≈ eps", rn([4, 5], 22, 3e-3), 1e-4]] as const) {
        const g = rn([5], 23), b = rn([5], 24), dout = rn([4, 5], 25);
        const bp: BnParam = { mode: "train" };
        const dxNum = evalNumericalGradientArray((t) => batchnormForward(t, g, b, bp)[0], x, dout, h);
        const dgNum = evalNumericalGradientArray((t) => batchnormForward(x, t, b, bp)[0], g, dout);
        const dbNum = evalNumericalGradientArray((t) => batchnormForward(x, g, t, bp)[0], b, dout);
        const [, c] = batchnormForward(x, g, b, bp);
        const [dx, dg, db] = batchnormBackward(dout, c);
        le(relErrorScaled(dx, dxNum), 1e-3, `${what}: dx`);
        le(relErrorScaled(dg, dgNum), 1e-3, `${what}: dgamma`);
        le(relErrorScaled(db, dbNum), 1e-3, `${what}: dbeta`);
        gt(relErrorScaled(bugNm1(dout, c), dxNum), 5e-3, `${what}: N-1 variance`);
        if (what === "var ≈ eps") gt(relErrorScaled(bugEpsOut(dout, c), dxNum), 5e-3, "eps outside the sqrt");
      }
    });
  });
});

describe("assignment 2: layer normalization", () => {
  it("per-example means ≈ beta, stds ≈ gamma; backward equals tf.grad and the numeric gradient; catches a bug", () => {
    tf.tidy(() => {
      const a = rn([4, 50], 31).matMul(rn([50, 60], 32)).relu().matMul(rn([60, 3], 33));
      const [out] = layernormForward(a, tf.fill([3], 3), tf.fill([3], 5), {});
      const { mean, std } = colStats(out.transpose());
      mean.forEach((m) => assert.ok(Math.abs(m - 5) < 1e-4, `mean ${m}`));
      std.forEach((s) => assert.ok(Math.abs(s - 3) < 1e-3, `std ${s}`));
      const x = rn([4, 5], 34, 5, 12), g = rn([5], 35), b = rn([5], 36), dout = rn([4, 5], 37);
      const [o, c] = layernormForward(x, g, b);
      le(relErrorScaled(o, lnTf(x, g, b)), 2e-6, "forward vs tf ops");
      const [dx, dg, db] = layernormBackward(dout, c);
      const auto = tf.grads(lnTf)([x, g, b], dout);
      le(relErrorScaled(dx, auto[0]), 2e-6, "dx vs tf.grad");
      le(relError(dg, auto[1]), 1e-5, "dgamma vs tf.grad");
      le(relError(db, auto[2]), 1e-5, "dbeta vs tf.grad");
      const dxNum = evalNumericalGradientArray((t) => layernormForward(t, g, b)[0], x, dout);
      le(relErrorScaled(dx, dxNum), 1e-3, "dx vs numeric");
      // planted bug: normalizing the gradient over the batch axis (batchnorm's formula unchanged)
      const bug = (d: Tensor, cc: LayernormCache): Tensor => {
        const dxhat = d.mul(cc.gamma);
        return dxhat.mul(4).sub(dxhat.sum(0)).sub(cc.xhat.mul(dxhat.mul(cc.xhat).sum(0))).div(cc.std.mul(4));
      };
      gt(relErrorScaled(bug(dout, c), dxNum), 5e-3, "batch-axis layernorm gradient");
    });
  });
});

describe("assignment 2: dropout", () => {
  it("train mode keeps ≈ p of the units and preserves the mean; test mode is the identity", () => {
    tf.tidy(() => {
      const x = rn([500, 500], 41).add(10);
      const xm = arr(x.mean())[0];
      for (const p of [0.25, 0.4, 0.7]) {
        // seeded: the train-mode mean has a standard deviation of 0.035 (p = 0.25); tolerances are ≥ 4σ
        const [out] = dropoutForward(x, { mode: "train", p, seed: Math.round(p * 100) });
        const [outTest] = dropoutForward(x, { mode: "test", p });
        const zero = arr(out.equal(0).cast("float32").mean())[0];
        assert.ok(Math.abs(zero - (1 - p)) < 0.01, `p=${p}: fraction zero ${zero}`);
        assert.ok(Math.abs(arr(out.mean())[0] - xm) < 0.15, `p=${p}: train mean ${arr(out.mean())[0]} vs ${xm}`);
        assert.deepEqual(arr(outTest), arr(x));
      }
      assert.throws(() => dropoutForward(x, { mode: "train", p: 0 }), /keep probability/);
    });
  });

  it("a seed makes the mask reproducible; backward equals the numeric gradient and tf.grad", () => {
    tf.tidy(() => {
      const x = rn([10, 10], 42).add(10), dout = rn([10, 10], 43);
      const param = { mode: "train" as const, p: 0.2, seed: 123 };
      const [o1, c] = dropoutForward(x, param);
      const [o2] = dropoutForward(x, param);
      const [o3] = dropoutForward(x, { ...param, seed: 124 });
      assert.deepEqual(arr(o1), arr(o2));
      assert.notDeepEqual(arr(o1), arr(o3));
      const dx = dropoutBackward(dout, c);
      const dxNum = evalNumericalGradientArray((t) => dropoutForward(t, param)[0], x, dout);
      le(relErrorScaled(dx, dxNum), 1e-3, "dx vs numeric");
      const mask = o1.div(x);
      le(relError(dx, tf.grad((t: Tensor) => t.mul(mask))(x, dout)), 1e-5, "dx vs tf.grad");
      // planted bug: forgetting the 1/p scaling in the backward pass
      gt(relErrorScaled(dx.mul(0.2), dxNum), 5e-3, "unscaled mask");
      const [, ct] = dropoutForward(x, { mode: "test", p: 0.2 });
      assert.deepEqual(arr(dropoutBackward(dout, ct)), arr(dout));
    });
  });
});

describe("assignment 2: affine - norm - relu sandwich", () => {
  for (const norm of ["batchnorm", "layernorm"] as const) {
    it(`${norm}: gradients equal tf.grad`, () => {
      tf.tidy(() => {
        const x = rn([6, 2, 4], 51), w = rn([8, 7], 52), b = rn([7], 53), g = rn([7], 54), be = rn([7], 55), dout = rn([6, 7], 56);
        const [out, cache] = affineNormReluForward(x, w, b, g, be, norm, { mode: "train" });
        const ref = (xx: Tensor, ww: Tensor, bb: Tensor, gg: Tensor, bbe: Tensor): Tensor =>
          (norm === "batchnorm" ? bnTf : lnTf)(xx.reshape([6, 8]).matMul(ww).add(bb), gg, bbe).relu();
        le(relErrorScaled(out, ref(x, w, b, g, be)), 2e-6, "forward");
        const grads = affineNormReluBackward(dout, cache);
        const auto = tf.grads(ref)([x, w, b, g, be], dout);
        grads.forEach((gr, i) => {
          // batchnorm subtracts the batch mean, so the affine bias has no effect: db is 0 up to rounding
          if (norm === "batchnorm" && i === 2) le(Math.max(...arr(gr.abs())), 1e-5, "db");
          else le(relErrorScaled(gr, auto[i]), 2e-6, `gradient ${i}`);
        });
        assert.deepEqual(grads[0].shape, [6, 2, 4]);
      });
    });
  }
});

describe("assignment 2: update rules", () => {
  const N = 4, D = 5;
  const w = (): Tensor => lin(-0.4, 0.6, [N, D]);
  const dw = (): Tensor => lin(-0.6, 0.4, [N, D]);

  it("sgdMomentum, rmsprop, adam reproduce the course's expected arrays (≤ 1e-5)", () => {
    tf.tidy(() => {
      const [nw, cfg] = sgdMomentum(w(), dw(), { learningRate: 1e-3, velocity: lin(0.6, 0.9, [N, D]) });
      le(relError(nw, [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789, 0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526, 0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263, 1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096]), 1e-5, "momentum next_w");
      le(relError(cfg.velocity!, [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158, 0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105, 0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053, 0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096]), 1e-5, "velocity");
      const [rw, rc] = rmsprop(w(), dw(), { learningRate: 1e-2, cache: lin(0.6, 0.9, [N, D]) });
      le(relError(rw, [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247, -0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774, 0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447, 0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619]), 1e-5, "rmsprop next_w");
      le(relError(rc.cache!, [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321, 0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377, 0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936, 0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926]), 1e-5, "rmsprop cache");
      const [aw, ac] = adam(w(), dw(), { learningRate: 1e-2, m: lin(0.6, 0.9, [N, D]), v: lin(0.7, 0.5, [N, D]), t: 5 });
      le(relError(aw, [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977, -0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929, 0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969, 0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459]), 1e-5, "adam next_w");
      le(relError(ac.v!, [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853, 0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385, 0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767, 0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966]), 1e-5, "adam v");
      le(relError(ac.m!, [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474, 0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316, 0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158, 0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85]), 1e-5, "adam m");
      assert.equal(ac.t, 6);
    });
  });

  it("the course's defaults, and several steps from zero state match a float64 reference", () => {
    tf.tidy(() => {
      const [, c1] = sgdMomentum(w(), dw());
      assert.deepEqual([c1.learningRate, c1.momentum], [1e-2, 0.9]);
      const [, c2] = rmsprop(w(), dw());
      assert.deepEqual([c2.learningRate, c2.decayRate, c2.epsilon], [1e-2, 0.99, 1e-8]);
      const [, c3] = adam(w(), dw());
      assert.deepEqual([c3.learningRate, c3.beta1, c3.beta2, c3.epsilon, c3.t], [1e-3, 0.9, 0.999, 1e-8, 1]);
      // f(w) = 0.5 |w - target|², gradient w - target; five steps of each rule against float64 JS
      const target = linspace(1, -1, N * D);
      const runRule = (rule: UpdateRule, cfg0: OptimConfig): number[] => {
        let W = w();
        let cfg = cfg0;
        for (let s = 0; s < 5; s++) [W, cfg] = rule(W, W.sub(tf.tensor(target, [N, D])), cfg);
        return arr(W);
      };
      const ref = (kind: string): number[] => {
        const W = linspace(-0.4, 0.6, N * D);
        const st = W.map(() => ({ v: 0, c: 0, m: 0, s: 0 }));
        for (let t = 1; t <= 5; t++) {
          W.forEach((x, i) => {
            const g = x - target[i];
            const z = st[i];
            if (kind === "momentum") { z.v = 0.8 * z.v - 0.05 * g; W[i] = x + z.v; }
            if (kind === "rmsprop") { z.c = 0.9 * z.c + 0.1 * g * g; W[i] = x - (0.05 * g) / (Math.sqrt(z.c) + 1e-8); }
            if (kind === "adam") {
              z.m = 0.8 * z.m + 0.2 * g; z.s = 0.99 * z.s + 0.01 * g * g;
              W[i] = x - (0.05 * (z.m / (1 - 0.8 ** t))) / (Math.sqrt(z.s / (1 - 0.99 ** t)) + 1e-8);
            }
          });
        }
        return W;
      };
      le(relError(runRule(sgdMomentum, { learningRate: 0.05, momentum: 0.8 }), ref("momentum")), 1e-5, "momentum x5");
      le(relError(runRule(rmsprop, { learningRate: 0.05, decayRate: 0.9 }), ref("rmsprop")), 1e-5, "rmsprop x5");
      le(relError(runRule(adam, { learningRate: 0.05, beta1: 0.8, beta2: 0.99 }), ref("adam")), 1e-5, "adam x5");
    });
  });
});

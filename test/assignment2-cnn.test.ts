/**
 * Assignment 2, convolutional networks: naive conv / max pool (course vectors, tf.grad, numeric
 * checks at the notebook's float32 step, planted bugs), the fast layers against the naive ones,
 * spatial batchnorm and group norm, the conv sandwiches, ThreeLayerConvNet (initial loss, tf.grad,
 * the notebook's numeric check and planted bugs, no tensor leak over Solver epochs, CIFAR-10 overfit).
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { tf, Tensor } from "../lib/tf";
import { lin, arr, rn, le, gt } from "./helpers/tensors";
import { relError, relErrorScaled, evalNumericalGradientArray, gradCheckModel } from "../lib/gradientCheck";
import {
  convForwardNaive, convBackwardNaive, maxPoolForwardNaive, maxPoolBackwardNaive, ConvCache, PoolCache,
  spatialBatchnormForward, spatialBatchnormBackward, spatialGroupnormForward, spatialGroupnormBackward, BnParam,
} from "../lib/layers";
import { convForwardFast, convBackwardFast, maxPoolForwardFast, maxPoolBackwardFast } from "../lib/fastLayers";
import * as fastLayers from "../lib/fastLayers";
import { convReluForward, convReluBackward, convReluPoolForward, convReluPoolBackward } from "../lib/layerUtils";
import { ThreeLayerConvNet } from "../lib/classifiers/cnn";
import { Solver } from "../lib/solver";
import { getCifar10Data } from "../lib/data";

// Thresholds are the notebook's (relErrorScaled: autodiff / fast vs naive ≤ 1e-5, numerical < 5e-3);
// correct code must stay within a fifth of them (the float32 margin), planted bugs must exceed them.
const AUTO = 2e-6;
const NUM = 1e-3;
const NUM_THRESHOLD = 5e-3;

/** The convolution written with TensorFlow ops (NHWC inside), for tf.grad. */
const convTf = (stride: number, pad: number) => (x: Tensor, w: Tensor, b: Tensor): Tensor =>
  tf.conv2d(tf.pad(x.transpose([0, 2, 3, 1]), [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as tf.Tensor4D, w.transpose([2, 3, 1, 0]) as tf.Tensor4D, stride, "valid")
    .add(b).transpose([0, 3, 1, 2]);
const poolTf = (ph: number, pw: number, stride: number) => (x: Tensor): Tensor =>
  tf.maxPool(x.transpose([0, 2, 3, 1]) as tf.Tensor4D, [ph, pw], stride, "valid").transpose([0, 3, 1, 2]);

/** Float64 convolution straight from the definition (nested loops), flat NCHW output. */
function convRef(x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number): number[] {
  const [N, C, H, W] = x.shape as number[];
  const [F, , HH, WW] = w.shape as number[];
  const xa = arr(x), wa = arr(w), ba = arr(b);
  const Ho = 1 + (H + 2 * pad - HH) / stride, Wo = 1 + (W + 2 * pad - WW) / stride;
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          let s = ba[f];
          for (let c = 0; c < C; c++)
            for (let di = 0; di < HH; di++)
              for (let dj = 0; dj < WW; dj++) {
                const r = i * stride + di - pad, q = j * stride + dj - pad;
                if (r >= 0 && r < H && q >= 0 && q < W) s += xa[((n * C + c) * H + r) * W + q] * wa[((f * C + c) * HH + di) * WW + dj];
              }
          out.push(s);
        }
  return out;
}

describe("assignment 2: naive convolution", () => {
  it("forward reproduces the course's expected output (x (2,3,4,4), w (3,3,4,4) from linspace, stride 2, pad 1)", () => {
    tf.tidy(() => {
      const x = lin(-0.1, 0.5, [2, 3, 4, 4]), w = lin(-0.2, 0.3, [3, 3, 4, 4]), b = lin(-0.1, 0.2, [3]);
      const correct = [
        -0.08759809, -0.10987781, -0.18387192, -0.2109216, 0.21027089, 0.21661097, 0.22847626, 0.23004637, 0.50813986, 0.54309974, 0.64082444, 0.67101435,
        -0.98053589, -1.03143541, -1.19128892, -1.24695841, 0.69108355, 0.66880383, 0.59480972, 0.56776003, 2.36270298, 2.36904306, 2.38090835, 2.38247847,
      ];
      const [out] = convForwardNaive(x, w, b, { stride: 2, pad: 1 });
      assert.deepEqual(out.shape, [2, 3, 2, 2]);
      le(relError(out, correct), 1e-5, "naive vs course");
      le(relError(convRef(x, w, b, 2, 1), correct), 1e-7, "float64 reference vs course");
      le(relError(convForwardFast(x, w, b, { stride: 2, pad: 1 })[0], correct), 1e-5, "fast vs course");
    });
  });

  it("forward equals a float64 reference for several strides, pads and non-square filters; bad shapes refused", () => {
    tf.tidy(() => {
      for (const [xs, ws, stride, pad] of [[[2, 3, 7, 7], [4, 3, 3, 3], 2, 1], [[3, 2, 6, 5], [2, 2, 3, 2], 1, 0], [[1, 4, 5, 5], [3, 4, 5, 5], 1, 2], [[2, 1, 9, 9], [2, 1, 3, 3], 3, 0]] as [number[], number[], number, number][]) {
        const x = rn(xs, 1), w = rn(ws, 2), b = rn([ws[0]], 3);
        const [out] = convForwardNaive(x, w, b, { stride, pad });
        le(relErrorScaled(out, convRef(x, w, b, stride, pad)), AUTO, `x ${xs} w ${ws} stride ${stride} pad ${pad}`);
      }
      const x = rn([2, 3, 5, 5], 4);
      assert.throws(() => convForwardNaive(x, rn([2, 2, 3, 3], 5), tf.zeros([2]), {}), /x has 3 channels but w expects 2/);
      assert.throws(() => convForwardNaive(x, rn([2, 3, 2, 2], 5), tf.zeros([2]), { stride: 2 }), /does not tile/);
      assert.throws(() => convForwardNaive(x.reshape([2, 3, 25]), rn([2, 3, 3, 3], 5), tf.zeros([2])), /x must be 4-D/);
      assert.throws(() => convForwardFast(x, rn([2, 3, 2, 2], 5), tf.zeros([2]), { stride: 2 }), /does not tile/);
    });
  });

  it("backward equals tf.grad (stride 2 pad 1, stride 1 pad 0) and the numeric gradient (h = 1e-2); catches planted bugs", () => {
    tf.tidy(() => {
      for (const [stride, pad] of [[2, 1], [1, 0]]) {
        const x = rn([4, 3, 5, 5], 11), w = rn([2, 3, 3, 3], 12), b = rn([2], 13);
        const [out, cache] = convForwardNaive(x, w, b, { stride, pad });
        const dout = rn(out.shape, 14);
        const [dx, dw, db] = convBackwardNaive(dout, cache);
        const auto = tf.grads(convTf(stride, pad))([x, w, b], dout);
        le(relErrorScaled(dx, auto[0]), AUTO, `stride ${stride}: dx vs tf.grad`);
        le(relErrorScaled(dw, auto[1]), AUTO, `stride ${stride}: dw vs tf.grad`);
        le(relErrorScaled(db, auto[2]), AUTO, `stride ${stride}: db vs tf.grad`);
      }
      // the notebook's check: the course's sizes x (4,3,5,5), w (2,3,3,3), stride 1, pad 1
      const x = rn([4, 3, 5, 5], 21), w = rn([2, 3, 3, 3], 22), b = rn([2], 23);
      const p = { stride: 1, pad: 1 };
      const [out, cache] = convForwardNaive(x, w, b, p);
      const dout = rn(out.shape, 24);
      const dxNum = evalNumericalGradientArray((t) => convForwardNaive(t, w, b, p)[0], x, dout);
      const dwNum = evalNumericalGradientArray((t) => convForwardNaive(x, t, b, p)[0], w, dout);
      const dbNum = evalNumericalGradientArray((t) => convForwardNaive(x, w, t, p)[0], b, dout);
      const [dx, dw, db] = convBackwardNaive(dout, cache);
      le(relErrorScaled(dx, dxNum), NUM, "dx vs numeric");
      le(relErrorScaled(dw, dwNum), NUM, "dw vs numeric");
      le(relErrorScaled(db, dbNum), NUM, "db vs numeric");
      // planted bugs: the filters flipped (a correlation's gradient taken as a convolution's); dx
      // windows assigned instead of accumulated (overlapping fields lose gradient)
      const flipped = convBackwardNaive(dout, { ...cache, w: w.reverse([2, 3]) } as ConvCache)[0];
      gt(relErrorScaled(flipped, dxNum), NUM_THRESHOLD, "flipped filters in dx");
      const assigned = tf.tidy(() => {
        const xp = tf.buffer([4, 3, 7, 7]);
        const wr = w.reshape([2, 27]);
        for (let i = 0; i < 5; i++)
          for (let j = 0; j < 5; j++) {
            const g = dout.slice([0, 0, i, j], [4, 2, 1, 1]).reshape([4, 2]).matMul(wr).reshape([4, 3, 3, 3]).arraySync() as number[][][][];
            g.forEach((gn, n) => gn.forEach((gc, c) => gc.forEach((row, di) => row.forEach((v, dj) => xp.set(v, n, c, i + di, j + dj)))));
          }
        return xp.toTensor().slice([0, 0, 1, 1], [4, 3, 5, 5]);
      });
      gt(relErrorScaled(assigned, dxNum), NUM_THRESHOLD, "dx windows assigned, not accumulated");
      gt(relErrorScaled(dw.transpose([1, 0, 2, 3]).reshape(dw.shape), dwNum), NUM_THRESHOLD, "dw with F and C swapped");
    });
  });
});

describe("assignment 2: naive max pooling", () => {
  it("forward reproduces the course's expected output (x (2,3,4,4) from linspace, 2x2, stride 2)", () => {
    tf.tidy(() => {
      const x = lin(-0.3, 0.4, [2, 3, 4, 4]);
      const correct = [
        -0.26315789, -0.24842105, -0.20421053, -0.18947368, -0.14526316, -0.13052632, -0.08631579, -0.07157895, -0.02736842, -0.01263158, 0.03157895, 0.04631579,
        0.09052632, 0.10526316, 0.14947368, 0.16421053, 0.20842105, 0.22315789, 0.26736842, 0.28210526, 0.32631579, 0.34105263, 0.38526316, 0.4,
      ];
      const p = { poolHeight: 2, poolWidth: 2, stride: 2 };
      const [out] = maxPoolForwardNaive(x, p);
      assert.deepEqual(out.shape, [2, 3, 2, 2]);
      le(relError(out, correct), 1e-5, "naive vs course");
      le(relError(maxPoolForwardFast(x, p)[0], correct), 1e-5, "fast vs course");
    });
  });

  it("non-square windows and overlapping strides: forward and backward equal tf.maxPool and its gradient; numeric check; planted bug", () => {
    tf.tidy(() => {
      for (const [xs, ph, pw, stride] of [[[3, 2, 8, 9], 2, 3, 2], [[2, 3, 7, 7], 3, 3, 2], [[2, 2, 5, 6], 2, 2, 1], [[1, 2, 6, 4], 3, 1, 3]] as [number[], number, number, number][]) {
        const x = rn(xs, 31);
        const p = { poolHeight: ph, poolWidth: pw, stride };
        const [out, cache] = maxPoolForwardNaive(x, p);
        le(relErrorScaled(out, poolTf(ph, pw, stride)(x)), 0, `forward ${xs} ${ph}x${pw}/${stride}`);
        const dout = rn(out.shape, 32);
        le(relErrorScaled(maxPoolBackwardNaive(dout, cache), tf.grad(poolTf(ph, pw, stride))(x, dout)), AUTO, `backward ${xs} ${ph}x${pw}/${stride}`);
      }
      // the notebook's check: x (3,2,8,8) of distinct values 0.0157 apart in random order, 2x2, stride 2, h = 1e-2
      const x = tf.topk(tf.randomUniform([384], 0, 1, "float32", 33), 384).indices.cast("float32").mul(6 / 383).sub(3).reshape([3, 2, 8, 8]);
      const p = { poolHeight: 2, poolWidth: 2, stride: 2 };
      const [out, cache] = maxPoolForwardNaive(x, p);
      const dout = rn(out.shape, 34);
      const dxNum = evalNumericalGradientArray((t) => maxPoolForwardNaive(t, p)[0], x, dout);
      const dx = maxPoolBackwardNaive(dout, cache);
      le(relErrorScaled(dx, dxNum), NUM, "dx vs numeric");
      // planted bug: the gradient spread evenly over the window (average pooling's)
      const avg = (d: Tensor, c: PoolCache): Tensor => {
        const up = d.div(4).reshape([3, 2, 4, 1, 4, 1]).tile([1, 1, 1, 2, 1, 2]).reshape(c.x.shape);
        return up;
      };
      gt(relErrorScaled(avg(dout, cache), dxNum), NUM_THRESHOLD, "average-pool gradient");
      assert.throws(() => maxPoolForwardNaive(x, { poolHeight: 3, poolWidth: 3, stride: 2 }), /does not tile/);
    });
  });
});

describe("assignment 2: fast layers", () => {
  it("conv and pool: forward and backward equal the naive layers (≤ 2e-6 scaled; the notebook's threshold is 1e-5)", () => {
    tf.tidy(() => {
      // (dw of a large batch sums many terms: TensorFlow's float32 kernel differs from the naive float64 sum by
      // up to 5.4e-6 of the largest entry for 100 images with AVX2, 1.6e-6 for 10, 1.2e-6 for 5)
      for (const [xs, ws, stride, pad] of [[[5, 3, 31, 31], [25, 3, 3, 3], 2, 1], [[4, 3, 12, 12], [6, 3, 7, 7], 1, 3], [[3, 2, 9, 8], [4, 2, 3, 2], 3, 0]] as [number[], number[], number, number][]) {
        const x = rn(xs, 41), w = rn(ws, 42), b = rn([ws[0]], 43);
        const [on, cn] = convForwardNaive(x, w, b, { stride, pad });
        const [of, cf] = convForwardFast(x, w, b, { stride, pad });
        le(relErrorScaled(of, on), AUTO, `conv forward ${xs} ${ws}`);
        const dout = rn(on.shape, 44);
        const gn = convBackwardNaive(dout, cn), gf = convBackwardFast(dout, cf);
        ["dx", "dw", "db"].forEach((k, i) => {
          assert.deepEqual(gf[i].shape, gn[i].shape);
          le(relErrorScaled(gf[i], gn[i]), AUTO, `conv ${k} ${xs} ${ws}`);
        });
        // the first layer's shortcut: the same dw and db, without dx
        const [dw, db] = fastLayers.convBackwardFastParams(dout, cf);
        assert.equal(relErrorScaled(dw, gf[1]), 0, "convBackwardFastParams dw");
        assert.equal(relErrorScaled(db, gf[2]), 0, "convBackwardFastParams db");
      }
      for (const [xs, ph, pw, stride] of [[[10, 3, 32, 32], 2, 2, 2], [[3, 2, 8, 9], 2, 3, 2], [[2, 2, 7, 7], 3, 3, 2]] as [number[], number, number, number][]) {
        const x = rn(xs, 45);
        const p = { poolHeight: ph, poolWidth: pw, stride };
        const [on, cn] = maxPoolForwardNaive(x, p);
        const [of, cf] = maxPoolForwardFast(x, p);
        le(relErrorScaled(of, on), 0, `pool forward ${xs}`);
        const dout = rn(on.shape, 46);
        le(relErrorScaled(maxPoolBackwardFast(dout, cf), maxPoolBackwardNaive(dout, cn)), 0, `pool backward ${xs}`);
      }
    });
  });
});

describe("assignment 2: fast max pooling on oneDNN (lib/onednn.ts)", () => {
  it("non-overlapping windows run on oneDNN in NCHW; with ties (zeros after a ReLU) the gradient equals TensorFlow's MaxPoolGrad (first maximum)", () => {
    tf.tidy(() => {
      for (const [xs, ph, pw, stride] of [[[4, 8, 32, 32], 2, 2, 2], [[2, 3, 9, 9], 3, 3, 3], [[2, 5, 8, 6], 2, 3, 3]] as [number[], number, number, number][]) {
        const x = rn(xs, 47).relu().round(); // many tied windows
        const p = { poolHeight: ph, poolWidth: pw, stride };
        const [out, cache] = maxPoolForwardFast(x, p);
        assert.equal(cache.layout, "NCHW", `${xs} ${ph}x${pw}/${stride} runs on oneDNN`);
        const dout = rn(out.shape, 48);
        const nhwc = (t: Tensor): Tensor => t.transpose([0, 2, 3, 1]);
        const ref = tf.grad((a: Tensor) => tf.maxPool(a as tf.Tensor4D, [ph, pw], stride, "valid").mul(nhwc(dout)).sum())(nhwc(x)).transpose([0, 3, 1, 2]);
        assert.equal(relErrorScaled(tf.maxPool(nhwc(x) as tf.Tensor4D, [ph, pw], stride, "valid").transpose([0, 3, 1, 2]), out), 0, "forward");
        assert.equal(relErrorScaled(maxPoolBackwardFast(dout, cache), ref), 0, `backward ${xs}`);
      }
      // overlapping windows stay on TensorFlow's kernels (oneDNN routes ties differently there)
      assert.equal(maxPoolForwardFast(rn([2, 2, 7, 7], 49), { poolHeight: 3, poolWidth: 3, stride: 2 })[1].layout, "NHWC");
    });
  });

  it("the same results with TF_ENABLE_ONEDNN_OPTS=0 and on tfjs-node's own MaxPool (CS231N_ONEDNN_POOL=0, the fallback), for the fast layers and tf.maxPool", function () {
    this.timeout(120000);
    const probe = `const { tf } = require("./lib/tf"); const f = require("./lib/fastLayers");
      const x = tf.randomNormal([2, 3, 8, 8], 0, 1, "float32", 1).relu(); const [o, c] = f.maxPoolForwardFast(x, { poolHeight: 2, poolWidth: 2, stride: 2 });
      const g = f.maxPoolBackwardFast(tf.randomNormal(o.shape, 0, 1, "float32", 2), c);
      const xh = tf.randomNormal([2, 9, 8, 3], 0, 1, "float32", 3).relu().round();
      const n0 = tf.memory().numTensors;
      const nhwc = [[2, 2, "valid"], [3, 2, "valid"], [2, 2, "same"], [[2, 3], 3, "valid"]].map(([k, st, pad]) => tf.tidy(() => {
        const y = tf.maxPool(xh, k, st, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, "float32", 4);
        return [y.sum().dataSync()[0], Array.from(tf.grad((a) => tf.maxPool(a, k, st, pad).mul(dy).sum())(xh).dataSync())];
      }));
      const leak = tf.memory().numTensors - n0;
      console.log(JSON.stringify({ layout: c.layout, sum: o.sum().dataSync()[0], g: Array.from(g.dataSync()), nhwc, leak }));`;
    type Probe = { layout: string; sum: number; g: number[]; nhwc: unknown; leak: number };
    const run = (env: Record<string, string>): Probe => {
      const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", probe], { cwd: path.resolve(__dirname, ".."), env: { ...process.env, ...env }, encoding: "utf8" });
      return JSON.parse(out.trim().split("\n").pop() ?? "{}") as Probe;
    };
    const on = run({ TF_ENABLE_ONEDNN_OPTS: "1" }), off = run({ TF_ENABLE_ONEDNN_OPTS: "0" }), fallback = run({ CS231N_ONEDNN_POOL: "0" });
    assert.equal(on.layout, "NCHW");
    assert.equal(fallback.layout, "NHWC");
    for (const other of [off, fallback]) {
      assert.equal(other.sum, on.sum);
      assert.deepEqual(other.g, on.g);
      // tf.maxPool and its gradient (NHWC, the high-level API's layers) on oneDNN's kernels (lib/tf.ts installs
      // them for "valid" non-overlapping windows) equal tfjs-node's own kernels, ties and other windows included
      assert.deepEqual(other.nhwc, on.nhwc);
    }
    assert.deepEqual([on.leak, off.leak, fallback.leak], [0, 0, 0], "no tensor left behind by the kernels");
  });
});

describe("assignment 2: spatial normalization", () => {
  const sbnTf = (x: Tensor, g: Tensor, b: Tensor): Tensor => {
    const { mean, variance } = tf.moments(x, [0, 2, 3], true);
    return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g.reshape([1, -1, 1, 1])).add(b.reshape([1, -1, 1, 1]));
  };
  const gnTf = (G: number) => (x: Tensor, g: Tensor, b: Tensor): Tensor => {
    const [N, C, H, W] = x.shape;
    const { mean, variance } = tf.moments(x.reshape([N, G, -1]), 2, true);
    return x.reshape([N, G, -1]).sub(mean).div(variance.add(1e-5).sqrt()).reshape([N, C, H, W]).mul(g).add(b);
  };
  /** per-slice mean and std (float64) of an (N, C, H, W) tensor grouped by `key(n, c)`. */
  function groupStats(t: Tensor, key: (n: number, c: number) => number): { mean: number[]; std: number[] } {
    const [N, C, H, W] = t.shape as number[];
    const a = arr(t);
    const sums = new Map<number, number[]>();
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let k = 0; k < H * W; k++) {
      const g = key(n, c);
      if (!sums.has(g)) sums.set(g, []);
      sums.get(g)!.push(a[(n * C + c) * H * W + k]);
    }
    const keys = [...sums.keys()].sort((p, q) => p - q);
    const mean = keys.map((k) => sums.get(k)!.reduce((s, v) => s + v, 0) / sums.get(k)!.length);
    const std = keys.map((k, i) => Math.sqrt(sums.get(k)!.reduce((s, v) => s + (v - mean[i]) ** 2, 0) / sums.get(k)!.length));
    return { mean, std };
  }

  it("spatial batchnorm: per-channel means ≈ beta and stds ≈ gamma; running statistics; test mode after warm-up", () => {
    tf.tidy(() => {
      const x = rn([2, 3, 4, 5], 51, 4, 10);
      const [out] = spatialBatchnormForward(x, tf.tensor1d([3, 4, 5]), tf.tensor1d([6, 7, 8]), { mode: "train" });
      const { mean, std } = groupStats(out, (_n, c) => c);
      mean.forEach((m, c) => assert.ok(Math.abs(m - [6, 7, 8][c]) < 1e-4, `mean ${m}`));
      std.forEach((s, c) => assert.ok(Math.abs(s - [3, 4, 5][c]) < 1e-3, `std ${s}`));
      const bp: BnParam = { mode: "train" };
      const g = tf.ones([3]), be = tf.zeros([3]);
      for (let t = 0; t < 50; t++) spatialBatchnormForward(rn([10, 3, 4, 5], 100 + t, 4, 10), g, be, bp);
      assert.deepEqual(bp.runningMean!.shape, [3]);
      bp.mode = "test";
      const [ot] = spatialBatchnormForward(rn([10, 3, 4, 5], 99, 4, 10), g, be, bp);
      const st = groupStats(ot, (_n, c) => c);
      st.mean.forEach((m) => assert.ok(Math.abs(m) < 0.2, `test-mode mean ${m}`));
      st.std.forEach((s) => assert.ok(Math.abs(s - 1) < 0.2, `test-mode std ${s}`));
      assert.throws(() => spatialBatchnormForward(x.reshape([2, 60]), g, be, bp), /x must be \(N, C, H, W\)/);
    });
  });

  it("spatial batchnorm backward equals tf.grad and the numeric gradient; catches a planted bug", () => {
    tf.tidy(() => {
      const x = rn([2, 3, 4, 5], 52, 5, 12), g = rn([3], 53), b = rn([3], 54), dout = rn([2, 3, 4, 5], 55);
      const [out, cache] = spatialBatchnormForward(x, g, b, { mode: "train" });
      le(relErrorScaled(out, sbnTf(x, g, b)), AUTO, "forward vs tf ops");
      const [dx, dg, db] = spatialBatchnormBackward(dout, cache);
      const auto = tf.grads(sbnTf)([x, g, b], dout);
      [dx, dg, db].forEach((t, i) => le(relErrorScaled(t, auto[i]), AUTO, `gradient ${i} vs tf.grad`));
      const bp: BnParam = { mode: "train" };
      const dxNum = evalNumericalGradientArray((t) => spatialBatchnormForward(t, g, b, bp)[0], x, dout);
      const dgNum = evalNumericalGradientArray((t) => spatialBatchnormForward(x, t, b, bp)[0], g, dout);
      const dbNum = evalNumericalGradientArray((t) => spatialBatchnormForward(x, g, t, bp)[0], b, dout);
      le(relErrorScaled(dx, dxNum), NUM, "dx vs numeric");
      le(relErrorScaled(dg, dgNum), NUM, "dgamma vs numeric");
      le(relErrorScaled(db, dbNum), NUM, "dbeta vs numeric");
      // planted bug: reshaping (N, C, H, W) to (N*H*W, C) without moving the channels last
      const [, badCache] = spatialBatchnormForward(x, g, b, { mode: "train" });
      const wrong = tf.tidy(() => {
        const rows = dout.reshape([40, 3]);
        const { xhat, std, gamma } = badCache.bn;
        const dxhat = rows.mul(gamma);
        return dxhat.mul(40).sub(dxhat.sum(0)).sub(xhat.mul(dxhat.mul(xhat).sum(0))).div(std.mul(40)).reshape([2, 3, 4, 5]);
      });
      gt(relErrorScaled(wrong, dxNum), NUM_THRESHOLD, "channels not moved last");
    });
  });

  it("group norm (G = 2 of C = 6): per-group means ≈ 0, stds ≈ 1; backward equals tf.grad and the numeric gradient; catches a planted bug", () => {
    tf.tidy(() => {
      const G = 2;
      const x = rn([2, 6, 4, 5], 61, 4, 10);
      const [out0] = spatialGroupnormForward(x, tf.ones([1, 6, 1, 1]), tf.zeros([1, 6, 1, 1]), G, {});
      const { mean, std } = groupStats(out0, (n, c) => n * G + Math.floor(c / 3));
      assert.equal(mean.length, 4);
      mean.forEach((m) => assert.ok(Math.abs(m) < 1e-4, `group mean ${m}`));
      std.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-3, `group std ${s}`));
      const g = rn([1, 6, 1, 1], 62), b = rn([1, 6, 1, 1], 63), dout = rn([2, 6, 4, 5], 64);
      const [out, cache] = spatialGroupnormForward(x, g, b, G, {});
      le(relErrorScaled(out, gnTf(G)(x, g, b)), AUTO, "forward vs tf ops");
      const [dx, dg, db] = spatialGroupnormBackward(dout, cache);
      assert.deepEqual([dg.shape, db.shape], [[1, 6, 1, 1], [1, 6, 1, 1]]);
      const auto = tf.grads(gnTf(G))([x, g, b], dout);
      [dx, dg, db].forEach((t, i) => le(relErrorScaled(t, auto[i]), AUTO, `gradient ${i} vs tf.grad`));
      const dxNum = evalNumericalGradientArray((t) => spatialGroupnormForward(t, g, b, G, {})[0], x, dout);
      const dgNum = evalNumericalGradientArray((t) => spatialGroupnormForward(x, t, b, G, {})[0], g, dout);
      le(relErrorScaled(dx, dxNum), NUM, "dx vs numeric");
      le(relErrorScaled(dg, dgNum), NUM, "dgamma vs numeric");
      // planted bug: the backward normalizes over the wrong groups (per channel: G = C)
      const [, perChannel] = spatialGroupnormForward(x, g, b, 6, {});
      gt(relErrorScaled(spatialGroupnormBackward(dout, perChannel)[0], dxNum), NUM_THRESHOLD, "groups of one channel");
      assert.throws(() => spatialGroupnormForward(x, g, b, 4, {}), /G must be a positive integer dividing C = 6/);
    });
  });
});

describe("assignment 2: conv sandwich layers", () => {
  it("convRelu and convReluPool: gradients equal tf.grad", () => {
    tf.tidy(() => {
      const x = rn([2, 3, 16, 16], 71), w = rn([3, 3, 3, 3], 72), b = rn([3], 73);
      const cp = { stride: 1, pad: 1 }, pp = { poolHeight: 2, poolWidth: 2, stride: 2 };
      const [o1, c1] = convReluForward(x, w, b, cp);
      const d1 = rn(o1.shape, 74);
      const ref1 = (xx: Tensor, ww: Tensor, bb: Tensor): Tensor => convTf(1, 1)(xx, ww, bb).relu();
      le(relErrorScaled(o1, ref1(x, w, b)), AUTO, "convRelu forward");
      const a1 = tf.grads(ref1)([x, w, b], d1);
      convReluBackward(d1, c1).forEach((g, i) => le(relErrorScaled(g, a1[i]), AUTO, `convRelu gradient ${i}`));
      const [o2, c2] = convReluPoolForward(x, w, b, cp, pp);
      assert.deepEqual(o2.shape, [2, 3, 8, 8]);
      const d2 = rn(o2.shape, 75);
      const ref2 = (xx: Tensor, ww: Tensor, bb: Tensor): Tensor => poolTf(2, 2, 2)(ref1(xx, ww, bb));
      const a2 = tf.grads(ref2)([x, w, b], d2);
      convReluPoolBackward(d2, c2).forEach((g, i) => le(relErrorScaled(g, a2[i]), AUTO, `convReluPool gradient ${i}`));
    });
  });
});

/** ThreeLayerConvNet's loss with TensorFlow ops, for tf.grads. */
const cnnTf = (X: Tensor, y: Tensor, reg: number, pad: number) => (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor, W3: Tensor, b3: Tensor): Tensor => {
  const h1 = poolTf(2, 2, 2)(convTf(1, pad)(X, W1, b1).relu());
  const h2 = h1.reshape([X.shape[0], -1]).matMul(W2).add(b2).relu();
  const scores = h2.matMul(W3).add(b3);
  const data = tf.losses.softmaxCrossEntropy(tf.oneHot(y, scores.shape[1] as number), scores);
  return data.add(W1.square().sum().add(W2.square().sum()).add(W3.square().sum()).mul(0.5 * reg));
};
const KEYS = ["W1", "b1", "W2", "b2", "W3", "b3"];

describe("assignment 2: ThreeLayerConvNet", function () {
  this.timeout(600000);

  it("the course's defaults and parameter shapes; seeded init reproducible; bad options refused", () => {
    const m = new ThreeLayerConvNet({ seed: 1 });
    assert.deepEqual(KEYS.map((k) => m.params[k].shape), [[32, 3, 7, 7], [32], [32 * 16 * 16, 100], [100], [100, 10], [10]]);
    const std = Math.sqrt(arr(m.params.W2.square().mean())[0]);
    assert.ok(Math.abs(std - 1e-3) < 2e-5, `weight scale ${std}`);
    const m2 = new ThreeLayerConvNet({ seed: 1 });
    assert.deepEqual(arr(m2.params.W1), arr(m.params.W1));
    const s = new ThreeLayerConvNet({ inputDim: [1, 8, 6], numFilters: 4, filterSize: 3, hiddenDim: 5, numClasses: 3 });
    assert.deepEqual(KEYS.map((k) => s.params[k].shape), [[4, 1, 3, 3], [4], [4 * 4 * 3, 5], [5], [5, 3], [3]]);
    assert.throws(() => new ThreeLayerConvNet({ filterSize: 4 }), /filterSize must be an odd integer/);
    tf.dispose([...Object.values(m.params), ...Object.values(m2.params), ...Object.values(s.params)]);
  });

  it("initial loss ≈ log(10), larger with reg 0.5; gradients equal tf.grad (reg 0 and 0.5); scores without y", () => {
    tf.tidy(() => {
      const X = rn([50, 3, 32, 32], 81), y = tf.tensor1d(Array.from({ length: 50 }, (_, i) => (i * 7) % 10), "int32");
      const m = new ThreeLayerConvNet({ seed: 2 });
      const [l0, g0] = m.loss(X, y);
      assert.ok(Math.abs(l0 - Math.log(10)) < 1e-3, `initial loss ${l0}`);
      m.reg = 0.5;
      const [l1] = m.loss(X, y);
      assert.ok(l1 > l0 + 1e-3, `reg 0.5 loss ${l1} vs ${l0}`);
      assert.deepEqual(m.loss(X).shape, [50, 10]);
      tf.dispose(Object.values(g0));
      // tf.grad on a small net with larger weights (reg 0 and 0.5)
      for (const reg of [0, 0.5]) {
        const s = new ThreeLayerConvNet({ inputDim: [3, 8, 8], numFilters: 3, filterSize: 3, hiddenDim: 7, weightScale: 0.1, reg, seed: 3 });
        const Xs = rn([4, 3, 8, 8], 82), ys = tf.tensor1d([1, 5, 9, 2], "int32");
        const [loss, grads] = s.loss(Xs, ys);
        const auto = tf.grads(cnnTf(Xs, ys, reg, 1))(KEYS.map((k) => s.params[k]));
        assert.ok(Math.abs(loss - arr(tf.tidy(() => { const [a, b, c, d, e, f] = KEYS.map((k) => s.params[k]); return cnnTf(Xs, ys, reg, 1)(a, b, c, d, e, f); }))[0]) < 1e-5, `reg ${reg}: loss`);
        KEYS.forEach((k, i) => le(relErrorScaled(grads[k], auto[i]), AUTO, `reg ${reg}: ${k}`));
      }
    });
  });

  it("the notebook's numeric gradient check (2 images (3,16,16), 3 filters 3x3, hidden 7, weight scale 0.3, h = 1e-3: overall < 5e-3) passes and catches planted bugs", () => {
    const setup = (): { model: ThreeLayerConvNet; X: Tensor; y: Tensor } => ({
      model: new ThreeLayerConvNet({ inputDim: [3, 16, 16], numFilters: 3, filterSize: 3, hiddenDim: 7, weightScale: 0.3, seed: 0 }),
      X: rn([2, 3, 16, 16], 91), y: tf.tensor1d([3, 8], "int32"),
    });
    // h = 1e-3, not 1e-2: a step of W1 moves every conv output, and at 1e-2 some cross a ReLU or max-pool
    // switch (measured overall 2e-2 to 6e-2 at h = 1e-2, weight scale 0.1..0.3; 1e-4..2e-4 here)
    for (const numChecks of [undefined, 10]) {
      const { model, X, y } = setup();
      const overall = tf.tidy(() => tf.scalar(gradCheckModel(model, X, y, { numChecks, h: 1e-3 }).overall));
      le(arr(overall)[0], NUM, `numChecks ${numChecks ?? "all"}: overall`);
      tf.dispose([...Object.values(model.params), X, y]);
    }
    const withPatched = (key: "convBackwardFastParams" | "maxPoolBackwardFast", impl: unknown, fn: () => number): number => {
      const mod = fastLayers as unknown as Record<string, unknown>;
      const orig = mod[key];
      mod[key] = impl;
      try { return fn(); } finally { mod[key] = orig; }
    };
    // (the net's first layer needs no dx: its weight gradients come from convBackwardFastParams)
    const origConvBackward = fastLayers.convBackwardFastParams;
    const bugs: [string, () => number][] = [
      ["conv dw with the filters flipped", () => withPatched("convBackwardFastParams", (d: Tensor, c: fastLayers.ConvFastCache) => {
        const [dw, db] = origConvBackward(d, c);
        return [dw.reverse([2, 3]), db];
      }, () => { const { model, X, y } = setup(); return gradCheckModel(model, X, y, { numChecks: 10, h: 1e-3 }).overall; })],
      ["pool gradient spread over the window", () => withPatched("maxPoolBackwardFast", (d: Tensor) => {
        const [N, C, Ho, Wo] = d.shape;
        return d.div(4).reshape([N, C, Ho, 1, Wo, 1]).tile([1, 1, 1, 2, 1, 2]).reshape([N, C, 2 * Ho, 2 * Wo]);
      }, () => { const { model, X, y } = setup(); return gradCheckModel(model, X, y, { numChecks: 10, h: 1e-3 }).overall; })],
    ];
    for (const [what, run] of bugs) gt(arr(tf.tidy(() => tf.scalar(run())))[0], NUM_THRESHOLD, what);
  });

  it("Solver: tensor count flat across epochs; overfits 50 CIFAR-10 images", () => {
    const d = getCifar10Data({ numTraining: 50, numValidation: 50, numTest: 10 });
    const data = { XTrain: d.XTrain, yTrain: d.yTrain, XVal: d.XVal, yVal: d.yVal };
    const m = new ThreeLayerConvNet({ numFilters: 8, hiddenDim: 50, weightScale: 1e-2, seed: 4 });
    const s = new Solver(m, data, { updateRule: "adam", optimConfig: { learningRate: 1e-3 }, numEpochs: 1, batchSize: 25, verbose: false, seed: 5 });
    s.train();
    const n1 = tf.memory().numTensors;
    s.numEpochs = 15;
    s.train();
    assert.equal(tf.memory().numTensors, n1, "more epochs leave the tensor count unchanged");
    const acc = s.trainAccHistory[s.trainAccHistory.length - 1];
    assert.ok(acc >= 0.9, `training accuracy after 16 epochs on 50 images: ${acc}`);
    tf.dispose([...Object.values(m.params), ...Object.values(s.bestParams), d.XTrain, d.yTrain, d.XVal, d.yVal, d.XTest, d.yTest]);
  });
});

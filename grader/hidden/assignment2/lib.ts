// Hidden tests (assignment 2), run after the notebooks in a fresh kernel on the student's lib, on
// seeded inputs the student never saw. Expected values come from running this file against the
// solution lib (npm run references). One function per cell (a missing or broken one fails only its
// own checks):
// - batch / layer normalization: running statistics after several training calls, custom momentum and
//   eps, a feature whose variance is about eps (where eps outside the square root shows);
// - dropout with a seed: which entries a seed keeps depends on how the mask is drawn, so the checks
//   are properties any correct inverted dropout has (keep fraction, kept entries scaled by 1/p, same
//   seed same mask, test mode identity, backward = dout times the mask); a constant, zero or identity
//   layer fails them;
// - the affine-norm-relu sandwich; each update rule over several steps (dw = w - target) with
//   non-default hyperparameters; FullyConnectedNet (plain, batchnorm, layernorm, dropout) with
//   parameters and data set here: loss, every gradient, test-mode scores after training calls, and
//   the initialization's shapes and statistics;
// - naive convolution with stride 2 and pad 1 (and stride 1, no pad, a non-square filter): output, dx,
//   dw, db; naive max pooling with non-square windows (2x3, stride 2) and overlapping windows (3x3,
//   stride 1): output and dx, on inputs of distinct values (no ties);
// - the conv sandwiches (conv-relu, conv-relu-pool): outputs and gradients;
// - spatial batchnorm: training output, running statistics after several calls, test-mode output,
//   backward; spatial group norm with G = 3 of C = 6 channels (neither 1 nor C): output and backward;
// - ThreeLayerConvNet: parameter shapes and initialization scale, then, with parameters set here, the
//   loss with regularization, every gradient and the scores.
//   Random inputs make every value O(0.1..10): a zero, constant or identity implementation misses them
//   by far more than the 1e-4 tolerance.
import { tf, check } from "./lib/index";
import type { OptimConfig } from "./lib/index";
const rn = (shape: number[], seed: number, s = 1, m = 0) => tf.randomNormal(shape, m, s, "float32", seed);
const labels = (n: number, c: number, seed: number) => tf.randomUniform([n], 0, c, "int32", seed);
/** A random arrangement of distinct values 6/(n-1) apart in [-3, 3], of the given shape (no ties for max pooling). */
const distinct = (shape: number[], seed: number) => {
  const n = shape.reduce((p, q) => p * q, 1);
  return tf.topk(tf.randomUniform([n], 0, 1, "float32", seed), n).indices.cast("float32").mul(6 / (n - 1)).sub(3).reshape(shape);
};
// %%
import { batchnormForward } from "./lib/index";
{
  // 4 training calls: output of the last, running statistics after all (momentum 0.9, eps 1e-5)
  const gamma = rn([6], 501, 0.5, 1), beta = rn([6], 502);
  const bnParam: { mode: "train" | "test"; runningMean?: tf.Tensor; runningVar?: tf.Tensor } = { mode: "train" };
  let out: tf.Tensor | null = null;
  for (let t = 0; t < 4; t++) {
    // the last feature has a variance of about eps
    const x = tf.concat([rn([16, 5], 510 + t, 2, 3), rn([16, 1], 520 + t, 3e-3)], 1);
    out = batchnormForward(x, gamma, beta, bnParam)[0];
  }
  check("hidden/bn_train_out", out as tf.Tensor);
  check("hidden/bn_running_mean", bnParam.runningMean as tf.Tensor);
  check("hidden/bn_running_var", bnParam.runningVar as tf.Tensor);
  bnParam.mode = "test";
  const [outTest] = batchnormForward(rn([7, 6], 530, 2, 3), gamma, beta, bnParam);
  check("hidden/bn_test_out", outTest);
}
// %%
import { batchnormForward as bnf2 } from "./lib/index";
{
  const bnParam: { mode: "train" | "test"; momentum: number; eps: number; runningMean?: tf.Tensor; runningVar?: tf.Tensor } = { mode: "train", momentum: 0.5, eps: 1e-2 };
  for (let t = 0; t < 3; t++) bnf2(rn([10, 4], 540 + t, 0.2, -1), tf.ones([4]), tf.zeros([4]), bnParam);
  check("hidden/bn_custom_running_mean", bnParam.runningMean as tf.Tensor);
  check("hidden/bn_custom_running_var", bnParam.runningVar as tf.Tensor);
  const [out] = bnf2(rn([10, 4], 545, 0.2, -1), tf.fill([4], 2), tf.fill([4], -1), bnParam);
  check("hidden/bn_custom_train_out", out);
}
// %%
import { batchnormForward as bnf3, batchnormBackward } from "./lib/index";
{
  const x = tf.concat([rn([12, 5], 550, 1.5, 2), rn([12, 1], 551, 3e-3)], 1);
  const [, cache] = bnf3(x, rn([6], 552), rn([6], 553), { mode: "train" });
  const [dx, dgamma, dbeta] = batchnormBackward(rn([12, 6], 554), cache);
  check("hidden/bn_backward_dx", dx);
  check("hidden/bn_backward_dgamma", dgamma);
  check("hidden/bn_backward_dbeta", dbeta);
}
// %%
import { batchnormForward as bnf4, batchnormBackwardAlt } from "./lib/index";
{
  const x = tf.concat([rn([12, 5], 560, 1.5, 2), rn([12, 1], 561, 3e-3)], 1);
  const [, cache] = bnf4(x, rn([6], 562), rn([6], 563), { mode: "train" });
  const [dx, dgamma, dbeta] = batchnormBackwardAlt(rn([12, 6], 564), cache);
  check("hidden/bn_backward_alt_dx", dx);
  check("hidden/bn_backward_alt_dgamma", dgamma);
  check("hidden/bn_backward_alt_dbeta", dbeta);
}
// %%
import { layernormForward } from "./lib/index";
{
  const [out] = layernormForward(rn([5, 8], 570, 2, 1), rn([8], 571, 0.5, 1), rn([8], 572), {});
  check("hidden/ln_forward", out);
  const [outEps] = layernormForward(rn([3, 8], 573, 0.1), tf.ones([8]), tf.zeros([8]), { eps: 1e-2 });
  check("hidden/ln_forward_eps", outEps);
}
// %%
import { layernormForward as lnf2, layernormBackward } from "./lib/index";
{
  const [, cache] = lnf2(rn([5, 8], 580, 2, 1), rn([8], 581), rn([8], 582), {});
  const [dx, dgamma, dbeta] = layernormBackward(rn([5, 8], 583), cache);
  check("hidden/ln_backward_dx", dx);
  check("hidden/ln_backward_dgamma", dgamma);
  check("hidden/ln_backward_dbeta", dbeta);
}
// %%
import { dropoutForward } from "./lib/index";
{
  const x = rn([300, 200], 601, 1, 5);
  const p = 0.3;
  const [a] = dropoutForward(x, { mode: "train", p, seed: 17 });
  const [b] = dropoutForward(x, { mode: "train", p, seed: 17 });
  const [c] = dropoutForward(x, { mode: "train", p, seed: 18 });
  const kept = a.notEqual(0);
  const keptFraction = kept.cast("float32").mean().dataSync()[0];
  check("hidden/dropout_keep_fraction", keptFraction);
  // the properties below hold only for a mask that keeps some entries and drops others (a zero, constant
  // or identity "dropout" is deterministic and keeps its scaling trivially)
  const masked = keptFraction > 0.1 && keptFraction < 0.9;
  // every kept entry is x / p (up to float32 rounding), every other one is exactly 0
  const scaledErr = tf.where(kept, a.sub(x.div(p)).abs(), tf.zerosLike(a)).max().dataSync()[0];
  check("hidden/dropout_kept_scaled_error", masked ? scaledErr : 1);
  check("hidden/dropout_same_seed_same_mask", masked && a.equal(b).all().dataSync()[0] === 1);
  check("hidden/dropout_other_seed_other_mask", masked && a.equal(c).all().dataSync()[0] === 0);
  const [t] = dropoutForward(x, { mode: "test", p, seed: 17 });
  check("hidden/dropout_test_identity", masked && t.equal(x).all().dataSync()[0] === 1);
}
// %%
import { dropoutForward as df2, dropoutBackward } from "./lib/index";
{
  const x = rn([40, 30], 611, 1, 3);
  const dout = rn([40, 30], 612);
  const p = 0.6;
  const [out, cache] = df2(x, { mode: "train", p, seed: 5 });
  const dx = dropoutBackward(dout, cache);
  // dx must be dout * mask with mask = out / x (0 or 1/p), for a mask that keeps some entries and drops others
  const keptFraction = out.notEqual(0).cast("float32").mean().dataSync()[0];
  const masked = keptFraction > 0.1 && keptFraction < 0.9;
  check("hidden/dropout_backward_error", masked ? dx.sub(dout.mul(out.div(x))).abs().max().dataSync()[0] : 1);
  check("hidden/dropout_backward_keep_fraction", dx.notEqual(0).cast("float32").mean().dataSync()[0]);
  const [, cacheTest] = df2(x, { mode: "test", p });
  check("hidden/dropout_backward_test_identity", masked && dropoutBackward(dout, cacheTest).equal(dout).all().dataSync()[0] === 1);
}
// %%
import { affineNormReluForward, affineNormReluBackward } from "./lib/index";
{
  for (const norm of ["batchnorm", "layernorm"] as const) {
    const [out, cache] = affineNormReluForward(rn([6, 2, 3], 801), rn([6, 5], 802), rn([5], 803), rn([5], 804, 0.5, 1), rn([5], 805), norm, { mode: "train" });
    check(`hidden/sandwich_${norm}_out`, out);
    const [dx, dw, , dgamma, dbeta] = affineNormReluBackward(rn([6, 5], 806), cache);
    check(`hidden/sandwich_${norm}_dx`, dx);
    check(`hidden/sandwich_${norm}_dw`, dw);
    check(`hidden/sandwich_${norm}_dgamma`, dgamma);
    check(`hidden/sandwich_${norm}_dbeta`, dbeta);
  }
}
// %%
import { sgdMomentum } from "./lib/index";
{
  const target = rn([3, 4], 701);
  let w = rn([3, 4], 702);
  let config: OptimConfig = { learningRate: 0.05, momentum: 0.7, velocity: rn([3, 4], 703, 0.1) };
  for (let s = 0; s < 6; s++) [w, config] = sgdMomentum(w, w.sub(target), config);
  check("hidden/sgd_momentum_w", w);
  check("hidden/sgd_momentum_velocity", config.velocity as tf.Tensor);
}
// %%
import { rmsprop } from "./lib/index";
{
  const target = rn([3, 4], 711);
  let w = rn([3, 4], 712);
  let config: OptimConfig = { learningRate: 0.02, decayRate: 0.9, cache: rn([3, 4], 713, 0.1).abs() };
  for (let s = 0; s < 6; s++) [w, config] = rmsprop(w, w.sub(target), config);
  check("hidden/rmsprop_w", w);
  check("hidden/rmsprop_cache", config.cache as tf.Tensor);
}
// %%
import { adam } from "./lib/index";
{
  const target = rn([3, 4], 721);
  let w = rn([3, 4], 722);
  let config: OptimConfig = { learningRate: 0.03, beta1: 0.8, beta2: 0.99, m: rn([3, 4], 723, 0.1), v: rn([3, 4], 724, 0.1).abs(), t: 2 };
  for (let s = 0; s < 6; s++) [w, config] = adam(w, w.sub(target), config);
  check("hidden/adam_w", w);
  check("hidden/adam_m", config.m as tf.Tensor);
  check("hidden/adam_v", config.v as tf.Tensor);
  check("hidden/adam_t", config.t as number);
}
// %%
import { adam as adam2 } from "./lib/index";
{
  // defaults and zero state: the first steps depend on the bias correction with t incremented first
  let w = rn([5], 731);
  let config: OptimConfig = {};
  for (let s = 0; s < 3; s++) [w, config] = adam2(w, w.mul(2), config);
  check("hidden/adam_default_w", w);
}
// %%
import { FullyConnectedNet } from "./lib/index";
{
  const net = new FullyConnectedNet({ hiddenDims: [13, 9, 7], inputDim: 11, numClasses: 6, weightScale: 0.05, normalization: "batchnorm" });
  check("hidden/fcnet_param_shapes", Object.keys(net.params).sort().map((k) => `${k}:${net.params[k].shape.join("x")}`).join(" "));
  const w = Array.from(net.params.W2.dataSync());
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  const ones = Array.from(net.params.gamma3.dataSync()).every((v) => v === 1);
  const zeros = ["b1", "b4", "beta2"].every((k) => Array.from(net.params[k].dataSync()).every((v) => v === 0));
  check("hidden/fcnet_init_ok", Math.abs(std - 0.05) < 0.015 && ones && zeros);
}
// %%
import { FullyConnectedNet as FCN } from "./lib/index";
{
  // the same parameters for every variant: set explicitly, so the student's initialization does not matter
  const dims = [12, 10, 8, 5];
  for (const norm of [null, "batchnorm", "layernorm"] as const) {
    const net = new FCN({ hiddenDims: [10, 8], inputDim: 12, numClasses: 5, reg: 0.2, normalization: norm });
    for (let k = 1; k < dims.length; k++) {
      net.params[`W${k}`] = rn([dims[k - 1], dims[k]], 810 + k, 0.4);
      net.params[`b${k}`] = rn([dims[k]], 820 + k, 0.5);
      if (norm && k < dims.length - 1) {
        net.params[`gamma${k}`] = rn([dims[k]], 830 + k, 0.3, 1);
        net.params[`beta${k}`] = rn([dims[k]], 840 + k, 0.5);
      }
    }
    const X = rn([9, 3, 2, 2], 850);
    const y = labels(9, 5, 851);
    const tag = norm ?? "plain";
    const [loss, grads] = net.loss(X, y);
    check(`hidden/fcnet_${tag}_loss`, loss);
    for (const k of Object.keys(net.params).sort()) check(`hidden/fcnet_${tag}_grad_${k}`, grads[k]);
    // two more training calls, then test mode (batchnorm: running statistics)
    net.loss(rn([9, 12], 852), labels(9, 5, 853));
    net.loss(rn([9, 12], 854, 2), labels(9, 5, 855));
    check(`hidden/fcnet_${tag}_test_scores`, net.loss(rn([4, 12], 856)));
  }
}
// %%
import { FullyConnectedNet as FCN2 } from "./lib/index";
{
  // dropout is off at test time: the scores equal those of the same net without dropout
  const mk = (keep: number) => {
    const net = new FCN2({ hiddenDims: [10], inputDim: 6, numClasses: 4, dropoutKeepRatio: keep });
    net.params = { W1: rn([6, 10], 861), b1: rn([10], 862), W2: rn([10, 4], 863), b2: rn([4], 864) };
    return net;
  };
  const X = rn([5, 6], 865);
  const y = labels(5, 4, 866);
  check("hidden/fcnet_dropout_test_scores", mk(0.5).loss(X));
  // in training mode dropout is on (the loss differs from the net without dropout) and a seed fixes its masks
  const seeded = new FCN2({ hiddenDims: [10], inputDim: 6, numClasses: 4, dropoutKeepRatio: 0.5, seed: 3 });
  seeded.params = mk(1).params;
  const [l1] = seeded.loss(X, y);
  const [l2] = seeded.loss(X, y);
  const differs = l1 !== mk(1).loss(X, y)[0];
  check("hidden/fcnet_dropout_train_differs", differs);
  // deterministic with a seed, and still dropping (a loss that ignores dropout is deterministic too)
  check("hidden/fcnet_dropout_seeded_deterministic", differs && l1 === l2);
}
// %%
import { convForwardNaive } from "./lib/index";
{
  const [out] = convForwardNaive(rn([2, 3, 7, 7], 901), rn([4, 3, 3, 3], 902, 0.5), rn([4], 903), { stride: 2, pad: 1 });
  check("hidden/conv_forward_s2p1", out);
  const [out2] = convForwardNaive(rn([2, 2, 5, 6], 904), rn([3, 2, 3, 2], 905, 0.5), rn([3], 906), { stride: 1, pad: 0 });
  check("hidden/conv_forward_rect", out2);
}
// %%
import { convForwardNaive as cfn2, convBackwardNaive } from "./lib/index";
{
  const [out, cache] = cfn2(rn([2, 3, 7, 7], 911), rn([4, 3, 3, 3], 912, 0.5), rn([4], 913), { stride: 2, pad: 1 });
  const [dx, dw, db] = convBackwardNaive(rn(out.shape, 914), cache);
  check("hidden/conv_backward_s2p1_dx", dx);
  check("hidden/conv_backward_s2p1_dw", dw);
  check("hidden/conv_backward_s2p1_db", db);
}
// %%
import { maxPoolForwardNaive } from "./lib/index";
{
  const [out] = maxPoolForwardNaive(distinct([2, 3, 6, 9], 921), { poolHeight: 2, poolWidth: 3, stride: 2 });
  check("hidden/pool_forward_2x3", out);
  const [out2] = maxPoolForwardNaive(distinct([1, 2, 5, 5], 922), { poolHeight: 3, poolWidth: 3, stride: 1 });
  check("hidden/pool_forward_overlap", out2);
}
// %%
import { maxPoolForwardNaive as mpf2, maxPoolBackwardNaive } from "./lib/index";
{
  const [out, cache] = mpf2(distinct([2, 3, 6, 9], 931), { poolHeight: 2, poolWidth: 3, stride: 2 });
  check("hidden/pool_backward_2x3_dx", maxPoolBackwardNaive(rn(out.shape, 932), cache));
  const [out2, cache2] = mpf2(distinct([1, 2, 5, 5], 933), { poolHeight: 3, poolWidth: 3, stride: 1 });
  check("hidden/pool_backward_overlap_dx", maxPoolBackwardNaive(rn(out2.shape, 934), cache2));
}
// %%
import { convReluForward, convReluBackward } from "./lib/index";
{
  const [out, cache] = convReluForward(rn([2, 3, 6, 6], 941), rn([3, 3, 3, 3], 942, 0.5), rn([3], 943), { stride: 1, pad: 1 });
  check("hidden/conv_relu_out", out);
  const [dx, dw, db] = convReluBackward(rn(out.shape, 944), cache);
  check("hidden/conv_relu_dx", dx);
  check("hidden/conv_relu_dw", dw);
  check("hidden/conv_relu_db", db);
}
// %%
import { convReluPoolForward, convReluPoolBackward } from "./lib/index";
{
  const [out, cache] = convReluPoolForward(rn([2, 3, 8, 8], 951), rn([4, 3, 3, 3], 952, 0.5), rn([4], 953), { stride: 1, pad: 1 }, { poolHeight: 2, poolWidth: 2, stride: 2 });
  check("hidden/conv_relu_pool_out", out);
  const [dx, dw, db] = convReluPoolBackward(rn(out.shape, 954), cache);
  check("hidden/conv_relu_pool_dx", dx);
  check("hidden/conv_relu_pool_dw", dw);
  check("hidden/conv_relu_pool_db", db);
}
// %%
import { spatialBatchnormForward } from "./lib/index";
{
  const gamma = rn([3], 961, 0.5, 1), beta = rn([3], 962);
  const bnParam: { mode: "train" | "test"; runningMean?: tf.Tensor; runningVar?: tf.Tensor } = { mode: "train" };
  let out: tf.Tensor | null = null;
  for (let t = 0; t < 3; t++) out = spatialBatchnormForward(rn([4, 3, 5, 6], 963 + t, 2, 1), gamma, beta, bnParam)[0];
  check("hidden/sbn_train_out", out as tf.Tensor);
  check("hidden/sbn_running_mean", bnParam.runningMean as tf.Tensor);
  check("hidden/sbn_running_var", bnParam.runningVar as tf.Tensor);
  bnParam.mode = "test";
  check("hidden/sbn_test_out", spatialBatchnormForward(rn([2, 3, 5, 6], 967, 2, 1), gamma, beta, bnParam)[0]);
}
// %%
import { spatialBatchnormForward as sbf2, spatialBatchnormBackward } from "./lib/index";
{
  const [, cache] = sbf2(rn([3, 4, 5, 2], 971, 3, 2), rn([4], 972), rn([4], 973), { mode: "train" });
  const [dx, dgamma, dbeta] = spatialBatchnormBackward(rn([3, 4, 5, 2], 974), cache);
  check("hidden/sbn_backward_dx", dx);
  check("hidden/sbn_backward_dgamma", dgamma);
  check("hidden/sbn_backward_dbeta", dbeta);
}
// %%
import { spatialGroupnormForward } from "./lib/index";
{
  const [out] = spatialGroupnormForward(rn([2, 6, 3, 4], 981, 2, 1), rn([1, 6, 1, 1], 982, 0.5, 1), rn([1, 6, 1, 1], 983), 3, {});
  check("hidden/gn_g3_out", out);
}
// %%
import { spatialGroupnormForward as sgf2, spatialGroupnormBackward } from "./lib/index";
{
  const [, cache] = sgf2(rn([2, 6, 3, 4], 991, 2, 1), rn([1, 6, 1, 1], 992, 0.5, 1), rn([1, 6, 1, 1], 993), 3, {});
  const [dx, dgamma, dbeta] = spatialGroupnormBackward(rn([2, 6, 3, 4], 994), cache);
  check("hidden/gn_g3_backward_dx", dx);
  check("hidden/gn_g3_backward_dgamma", dgamma);
  check("hidden/gn_g3_backward_dbeta", dbeta);
}
// %%
import { ThreeLayerConvNet } from "./lib/index";
{
  const net = new ThreeLayerConvNet({ inputDim: [2, 10, 6], numFilters: 5, filterSize: 3, hiddenDim: 9, numClasses: 4, weightScale: 0.02 });
  check("hidden/cnn_param_shapes", Object.keys(net.params).sort().map((k) => `${k}:${net.params[k].shape.join("x")}`).join(" "));
  const w = Array.from(net.params.W2.dataSync());
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  const zeros = ["b1", "b2", "b3"].every((k) => Array.from(net.params[k].dataSync()).every((v) => v === 0));
  check("hidden/cnn_init_ok", Math.abs(std - 0.02) < 0.004 && zeros);
}
// %%
import { ThreeLayerConvNet as TLCN } from "./lib/index";
{
  // parameters set here: the student's initialization does not matter
  const net = new TLCN({ inputDim: [2, 8, 8], numFilters: 4, filterSize: 5, hiddenDim: 6, numClasses: 5, reg: 0.1 });
  net.params = { W1: rn([4, 2, 5, 5], 1001, 0.3), b1: rn([4], 1002, 0.5), W2: rn([4 * 4 * 4, 6], 1003, 0.3), b2: rn([6], 1004, 0.5), W3: rn([6, 5], 1005, 0.5), b3: rn([5], 1006, 0.5) };
  const X = rn([5, 2, 8, 8], 1007);
  const [loss, grads] = net.loss(X, labels(5, 5, 1008));
  check("hidden/cnn_loss", loss);
  for (const k of Object.keys(net.params).sort()) check(`hidden/cnn_grad_${k}`, grads[k]);
  check("hidden/cnn_scores", net.loss(rn([3, 2, 8, 8], 1009)));
}

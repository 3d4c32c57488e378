// Hidden tests (assignment 2, convolutional networks), run after the notebooks in a fresh kernel on the
// student's lib, on seeded inputs the student never saw (see ../README.md). Expected values come from
// running this file against the solution lib (npm run references). One function per cell:
// - naive convolution with stride 2 and pad 1 (and stride 1, no pad, a non-square filter): output, dx,
//   dw, db; naive max pooling with non-square windows (2x3, stride 2) and overlapping windows (3x3,
//   stride 1): output and dx, on inputs of distinct values (no ties);
// - the conv sandwiches (conv-relu, conv-relu-pool): outputs and gradients;
// - spatial batchnorm: training output, running statistics after several calls, test-mode output,
//   backward; spatial group norm with G = 3 of C = 6 channels (neither 1 nor C): output and backward;
// - ThreeLayerConvNet: parameter shapes and initialization scale, then, with parameters set here, the
//   loss with regularization, every gradient and the scores.
// Random inputs of mean 0 make every value O(0.1..10): a zero, constant or identity implementation
// misses them by far more than the 1e-4 tolerance.
import { tf, check } from "./lib/index";
const rn = (shape: number[], seed: number, s = 1, m = 0) => tf.randomNormal(shape, m, s, "float32", seed);
const labels = (n: number, c: number, seed: number) => tf.randomUniform([n], 0, c, "int32", seed);
/** A random arrangement of distinct values 6/(n-1) apart in [-3, 3], of the given shape (no ties for max pooling). */
const distinct = (shape: number[], seed: number) => {
  const n = shape.reduce((p, q) => p * q, 1);
  return tf.topk(tf.randomUniform([n], 0, 1, "float32", seed), n).indices.cast("float32").mul(6 / (n - 1)).sub(3).reshape(shape);
};
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

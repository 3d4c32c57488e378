// Hidden tests (assignment 2): each update rule over several steps on w, dw and state the student
// never saw (dw depends on w: the gradient of 0.5 |w - target|²), with non-default hyperparameters;
// FullyConnectedNet (plain, batchnorm, layernorm, dropout) with parameters and data the student never
// saw: loss, every gradient, test-mode scores after training-mode calls, the initialization's shapes
// and statistics. One function per cell.
import { tf, check } from "./lib/index";
import type { OptimConfig } from "./lib/index";
const rn = (shape: number[], seed: number, s = 1, m = 0) => tf.randomNormal(shape, m, s, "float32", seed);
const labels = (n: number, c: number, seed: number) => tf.randomUniform([n], 0, c, "int32", seed);
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
  check("hidden/fcnet_dropout_train_differs", l1 !== mk(1).loss(X, y)[0]);
  check("hidden/fcnet_dropout_seeded_deterministic", l1 === l2);
}

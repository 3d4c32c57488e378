// Hidden tests (assignment 2): batch / layer normalization, dropout and the affine-norm-relu sandwich
// on seeded inputs the student never saw: running statistics after several training calls, custom
// momentum / eps, a feature whose variance is about eps (where eps outside the square root shows),
// dropout with a seed. Expected values come from running this file against the solution lib
// (npm run references). Which entries a dropout seed keeps depends on how the mask is drawn, so the
// dropout checks are properties any correct inverted dropout has (keep fraction, kept entries scaled
// by 1/p, same seed same mask, test mode identity, backward = dout times the mask); a constant, zero
// or identity layer fails them. One function per cell.
import { tf, check } from "./lib/index";
const rn = (shape: number[], seed: number, s = 1, m = 0) => tf.randomNormal(shape, m, s, "float32", seed);
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
  check("hidden/dropout_keep_fraction", kept.cast("float32").mean().dataSync()[0]);
  // every kept entry is x / p (up to float32 rounding), every other one is exactly 0
  const scaledErr = tf.where(kept, a.sub(x.div(p)).abs(), tf.zerosLike(a)).max().dataSync()[0];
  check("hidden/dropout_kept_scaled_error", scaledErr);
  check("hidden/dropout_same_seed_same_mask", a.equal(b).all().dataSync()[0] === 1);
  check("hidden/dropout_other_seed_other_mask", a.equal(c).all().dataSync()[0] === 0);
  const [t] = dropoutForward(x, { mode: "test", p, seed: 17 });
  check("hidden/dropout_test_identity", t.equal(x).all().dataSync()[0] === 1);
}
// %%
import { dropoutForward as df2, dropoutBackward } from "./lib/index";
{
  const x = rn([40, 30], 611, 1, 3);
  const dout = rn([40, 30], 612);
  const p = 0.6;
  const [out, cache] = df2(x, { mode: "train", p, seed: 5 });
  const dx = dropoutBackward(dout, cache);
  // dx must be dout * mask with mask = out / x (0 or 1/p)
  check("hidden/dropout_backward_error", dx.sub(dout.mul(out.div(x))).abs().max().dataSync()[0]);
  check("hidden/dropout_backward_keep_fraction", dx.notEqual(0).cast("float32").mean().dataSync()[0]);
  const [, cacheTest] = df2(x, { mode: "test", p });
  check("hidden/dropout_backward_test_identity", dropoutBackward(dout, cacheTest).equal(dout).all().dataSync()[0] === 1);
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

// Hidden tests (assignment 1): the student's layer functions on seeded random inputs the student
// never saw. Expected values come from running this file against the solution lib (references).
// Each cell imports only what it tests, so a missing function fails only its own checks.
import { tf, check } from "./lib/index";
const rn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
const labels = (n: number, c: number, seed: number) => tf.randomUniform([n], 0, c, "int32", seed);
// %%
import { affineForward } from "./lib/index";
{
  const [out] = affineForward(rn([3, 2, 4], 101), rn([8, 5], 102), rn([5], 103));
  check("hidden/affine_forward", out);
}
// %%
import { affineForward as af2, affineBackward } from "./lib/index";
{
  const [, cache] = af2(rn([4, 6], 111), rn([6, 3], 112), rn([3], 113));
  const [dx, dw, db] = affineBackward(rn([4, 3], 114), cache);
  check("hidden/affine_backward_dx", dx);
  check("hidden/affine_backward_dw", dw);
  check("hidden/affine_backward_db", db);
}
// %%
import { reluForward, reluBackward } from "./lib/index";
{
  const [out, cache] = reluForward(rn([5, 7], 121));
  check("hidden/relu_forward", out);
  check("hidden/relu_backward", reluBackward(rn([5, 7], 122), cache));
}
// %%
import { svmLoss } from "./lib/index";
{
  const [loss, dx] = svmLoss(rn([9, 6], 131), labels(9, 6, 132));
  check("hidden/svm_loss_layer", loss);
  check("hidden/svm_loss_layer_dx", dx);
}
// %%
import { softmaxLoss } from "./lib/index";
{
  const [loss, dx] = softmaxLoss(rn([9, 6], 141), labels(9, 6, 142));
  check("hidden/softmax_loss_layer", loss);
  check("hidden/softmax_loss_layer_dx", dx);
}

// Hidden tests (assignment 1): linear classifier losses and kNN distances on seeded random inputs.
import { tf, check } from "./lib/index";
const rn = (shape: number[], seed: number, s = 1) => tf.randomNormal(shape, 0, s, "float32", seed);
const labels = (n: number, c: number, seed: number) => tf.randomUniform([n], 0, c, "int32", seed);
// %%
import { svmLossVectorized } from "./lib/index";
{
  const [loss, dW] = svmLossVectorized(rn([12, 5], 201, 0.01), rn([7, 12], 202), labels(7, 5, 203), 0.1);
  check("hidden/svm_loss_vectorized", loss);
  check("hidden/svm_grad_vectorized", dW);
}
// %%
import { softmaxLossVectorized } from "./lib/index";
{
  const [loss, dW] = softmaxLossVectorized(rn([12, 5], 211, 0.01), rn([7, 12], 212), labels(7, 5, 213), 0.1);
  check("hidden/softmax_loss_vectorized", loss);
  check("hidden/softmax_grad_vectorized", dW);
}

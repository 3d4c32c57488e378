// Hidden tests (assignment 1): the linear classifiers' training and prediction, TwoLayerNet's
// scores, loss and gradients, and the feature pipeline, on seeded inputs the student never saw.
import { tf, check } from "./lib/index";
const rn = (shape: number[], seed: number, s = 1) => tf.randomNormal(shape, 0, s, "float32", seed);
const labels = (n: number, c: number, seed: number) => tf.randomUniform([n], 0, c, "int32", seed);
// %%
import { LinearSVM, majorityClassRate } from "./lib/index";
{
  // labels of a linear classifier the student never saw: separable data, which SGD must fit well
  // (a zero or constant W answers one class: at most the majority rate)
  const X = rn([40, 6], 401);
  const y = tf.tidy(() => tf.matMul(X, rn([6, 3], 404)).argMax(1).toInt());
  const svm = new LinearSVM();
  const hist = svm.train(X, y, { learningRate: 0.05, reg: 1e-3, numIters: 60, batchSize: 20, seed: 7 });
  check("hidden/linear_svm_history_length", hist.length);
  check("hidden/linear_svm_loss_decreases", hist.slice(-10).reduce((a, b) => a + b, 0) < hist.slice(0, 10).reduce((a, b) => a + b, 0));
  check("hidden/linear_svm_w_shape", svm.W ? svm.W.shape.join("x") : "null");
  check("hidden/linear_svm_majority_rate", majorityClassRate(y));
  check("hidden/linear_svm_train_accuracy", svm.W ? tf.tidy(() => svm.predict(X).equal(y).cast("float32").mean().dataSync()[0]) : 0);
  svm.W?.dispose();
  svm.W = rn([6, 3], 403);
  check("hidden/linear_predict", svm.predict(X));
}
// %%
import { Softmax } from "./lib/index";
{
  const X = rn([40, 6], 411);
  const y = labels(40, 4, 412);
  const sm = new Softmax();
  const hist = sm.train(X, y, { learningRate: 0.1, reg: 1e-3, numIters: 60, batchSize: 20, seed: 9 });
  check("hidden/softmax_clf_loss_decreases", hist.slice(-10).reduce((a, b) => a + b, 0) < hist.slice(0, 10).reduce((a, b) => a + b, 0));
}
// %%
import { TwoLayerNet } from "./lib/index";
{
  const net = new TwoLayerNet({ inputDim: 7, hiddenDim: 5, numClasses: 4, reg: 0.3 });
  net.params.W1 = rn([7, 5], 421, 0.5);
  net.params.b1 = rn([5], 422, 0.1);
  net.params.W2 = rn([5, 4], 423, 0.5);
  net.params.b2 = rn([4], 424, 0.1);
  const X = rn([6, 7], 425);
  const y = labels(6, 4, 426);
  check("hidden/two_layer_scores", net.loss(X));
  const [loss, grads] = net.loss(X, y);
  check("hidden/two_layer_loss", loss);
  for (const k of ["W1", "b1", "W2", "b2"]) check(`hidden/two_layer_grad_${k}`, grads[k]);
}
// %%
import { extractFeatures, hogFeature, colorHistogramHsvFn } from "./lib/index";
{
  const imgs = tf.tidy(() => tf.randomUniform([3, 32, 32, 3], 0, 255, "float32", 431).floor());
  const f = extractFeatures(imgs, [hogFeature, colorHistogramHsvFn({ nbin: 10 })]);
  check("hidden/features_shape", f.shape.join("x"));
  check("hidden/features_values", f);
}

/**
 * Mutation test of assignment 1's grading: planted defects in copies of the solution lib. Each
 * mutant is graded with only the notebooks that use the mutated code (plus the hidden tests, which
 * always run) and must lose every point of the checks that cover the defect (`loses`) and nothing
 * else (test/grader-assignment1.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../../grader/course";
import { writeSolvedLib } from "./graderCourse";

export interface Mutant {
  name: string;
  /** what is wrong */
  defect: string;
  /** lib file (below lib/) and the exact text replaced */
  file: string;
  from: string;
  to: string;
  notebooks: string[];
  /** every check these notebooks and the hidden tests grade that must score 0; all others full marks */
  loses: string[];
  /** checks the defect changes without covering it (asserted neither way), each with the reason in `defect` */
  affects?: string[];
}

export const A1_MUTANTS: Mutant[] = [
  {
    name: "knn_constant",
    defect: "KNearestNeighbor.predictLabels answers the most frequent training label for every test point",
    file: "classifiers/kNearestNeighbor.ts",
    from: '    // END SOLUTION\n    return tf.tensor1d(yPred, "int32");',
    to:
      '    // END SOLUTION\n    const freq = new Int32Array(10);\n    for (const l of labels) freq[l]++;\n    yPred.fill(freq.indexOf(Math.max(...freq))); // MUTANT\n' +
      '    return tf.tensor1d(yPred, "int32");',
    notebooks: ["knn.ipynb"],
    loses: ["knn/k1_accuracy", "knn/k5_accuracy", "knn/cv_accuracies", "knn/best_k", "knn/best_k_accuracy", "hidden/knn_predict_k1", "hidden/knn_predict_k4", "hidden/knn_predict_k7"],
  },
  {
    name: "net_zero_grads",
    defect: "TwoLayerNet.loss returns zero gradients",
    file: "classifiers/fcNet.ts",
    from: "      const grads = { W1: dW1.add(W1.mul(reg)), b1: db1, W2: dW2.add(W2.mul(reg)), b2: db2 };\n",
    to: "      const grads = { W1: tf.zerosLike(dW1), b1: tf.zerosLike(db1), W2: tf.zerosLike(dW2), b2: tf.zerosLike(db2) }; // MUTANT\n",
    notebooks: ["two_layer_net.ipynb", "features.ipynb"],
    loses: [
      "two_layer_net/grad_error_reg0",
      "two_layer_net/grad_error_reg07",
      "two_layer_net/grad_autodiff_error_reg0",
      "two_layer_net/grad_autodiff_error_reg07",
      "two_layer_net/solver_val_accuracy",
      "two_layer_net/best_val_accuracy",
      "two_layer_net/test_accuracy",
      "features/nn_val_accuracy",
      "features/nn_test_accuracy",
      "hidden/two_layer_grad_W1",
      "hidden/two_layer_grad_b1",
      "hidden/two_layer_grad_W2",
      "hidden/two_layer_grad_b2",
    ],
  },
  {
    name: "softmax_grad_sign",
    defect: "softmaxLossVectorized: the data gradient has the wrong sign",
    file: "classifiers/softmax.ts",
    from: "    const dScores = logProbs.exp().sub(onehot).div(N);",
    to: "    const dScores = onehot.sub(logProbs.exp()).div(N); // MUTANT",
    notebooks: ["softmax.ipynb"],
    loses: [
      "softmax/grad_vs_autodiff_dev",
      "softmax/grad_vs_autodiff",
      "softmax/grad_rel_error",
      "softmax/best_val_accuracy",
      "softmax/best_loss_reduction",
      "softmax/test_accuracy",
      "hidden/softmax_grad_vectorized",
      "hidden/softmax_clf_loss_decreases",
    ],
  },
  {
    name: "svm_no_reg_grad",
    defect:
      "svmLossVectorized: the gradient lacks the regularization term (SGD still learns: the tuned validation accuracy " +
      "lands near its quick target, 0.275 for 0.28, so that check neither proves nor misses the defect)",
    file: "classifiers/linearSvm.ts",
    from: "    const grad = tf.matMul(X, coef, true, false).div(N).add(W.mul(2 * reg));",
    to: "    const grad = tf.matMul(X, coef, true, false).div(N); // MUTANT",
    notebooks: ["svm.ipynb", "features.ipynb"],
    loses: ["svm/grad_vs_autodiff_dev", "svm/grad_vs_autodiff", "svm/sgd_final_loss", "hidden/svm_grad_vectorized"],
    affects: ["svm/best_val_accuracy"],
  },
];

/** Writes the submission of mutant `m`: the solution lib with the defect planted, and its notebooks. */
export function buildMutant(courseRoot: string, assignmentName: string, m: Mutant, dest: string): string {
  fs.rmSync(dest, { recursive: true, force: true });
  writeSolvedLib(assignment(assignmentName, courseRoot), dest);
  const f = path.join(dest, "lib", m.file);
  const src = fs.readFileSync(f, "utf8");
  if (src.split(m.from).length !== 2) throw new Error(`mutant ${m.name}: the text to replace must occur exactly once in lib/${m.file}`);
  fs.writeFileSync(f, src.replace(m.from, m.to));
  const nbDir = path.join(dest, "notebooks", assignmentName);
  fs.mkdirSync(nbDir, { recursive: true });
  for (const n of m.notebooks) fs.copyFileSync(path.join(courseRoot, "notebooks", assignmentName, n), path.join(nbDir, n));
  return dest;
}

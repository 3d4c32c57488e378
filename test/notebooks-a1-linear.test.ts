/**
 * Assignment 1 kNN / SVM / softmax notebooks, headless through the real tslab kernel in quick mode
 * (CS231N_QUICK=1) with oneDNN's matmul as on an AVX2 CPU: every cell runs, every check passes its quick
 * rule with the float32 margin (test/helpers/float32.ts), and the values make sense together.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { runNotebook, CheckRecord } from "./helpers/notebook";
import { NOTEBOOK_TEST_ENV, ruleProblems } from "./helpers/float32";

const ROOT = path.resolve(__dirname, "..");
const NB = (name: string) => path.join(ROOT, "notebooks", "assignment1", `${name}.ipynb`);

function num(checks: Record<string, CheckRecord>, id: string): number {
  const c = checks[id];
  assert.ok(c, `check ${id} missing`);
  assert.equal(typeof c.value, "number", `check ${id} should be a number, got ${JSON.stringify(c.value)}`);
  return c.value as number;
}

async function runQuick(name: string): Promise<Record<string, CheckRecord>> {
  const t0 = Date.now();
  const r = await runNotebook(NB(name), { env: NOTEBOOK_TEST_ENV, timeoutCellSec: 170 });
  console.log(`      ${name}: ${r.cells.length} code cells in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${r.checks.length} checks`);
  const bad = r.cells.filter((c) => c.status !== "ok").map((c) => ({ cell: c.index, status: c.status, error: c.error }));
  assert.deepEqual(bad, [], `cells that did not run ok: ${JSON.stringify(bad)}`);
  assert.deepEqual(ruleProblems("assignment1", `${name}.ipynb`, r.checksById), []);
  return r.checksById;
}

describe("notebooks: assignment 1 kNN / SVM / softmax (quick mode, tslab, AVX2 matmul)", function () {
  this.timeout(180_000);

  it("knn.ipynb", async () => {
    const c = await runQuick("knn");
    assert.deepEqual(c["knn/dists_two_loops_shape"]?.value, [200, 2000]);
    assert.equal(c["knn/no_loop_k1_predictions_match"]?.value, true);
    // best_k is the k with the highest mean cross-validation accuracy (first one on ties)
    const kChoices = [1, 3, 5, 8, 10, 12, 15, 20, 50, 100];
    const cv = c["knn/cv_accuracies"];
    assert.deepEqual(cv?.shape, [10, 5]);
    const means = kChoices.map((_, i) => (cv.value as number[]).slice(5 * i, 5 * i + 5).reduce((s, x) => s + x, 0) / 5);
    assert.equal(num(c, "knn/best_k"), kChoices[means.indexOf(Math.max(...means))]);
  });

  it("svm.ipynb", async () => {
    const c = await runQuick("svm");
    assert.ok(Math.abs(num(c, "svm/loss_vectorized") - num(c, "svm/loss_naive")) < 1e-4);
    // untrained, W = 0.001·randn(3073, 10) with reg 2.5e4 gives a loss of about 9 + 768 = 777; SGD must cut it
    assert.ok(num(c, "svm/sgd_final_loss") < 300, `sgd_final_loss ${num(c, "svm/sgd_final_loss")}`);
  });

  it("softmax.ipynb", async () => {
    const c = await runQuick("softmax");
    assert.equal(c["softmax/loss_naive_near_log10"]?.value, true);
    assert.ok(Math.abs(num(c, "softmax/loss_naive") - Math.log(10)) < 0.1);
  });
});

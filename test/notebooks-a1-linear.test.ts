/**
 * Assignment 1 kNN / SVM / softmax notebooks, headless through the real tslab kernel in quick mode
 * (CS231N_QUICK=1): every cell runs and the gradable checks are present and sane.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { runNotebook, CheckRecord } from "./helpers/notebook";

const ROOT = path.resolve(__dirname, "..");
const NB = (name: string) => path.join(ROOT, "notebooks", "assignment1", `${name}.ipynb`);

function num(checks: Record<string, CheckRecord>, id: string): number {
  const c = checks[id];
  assert.ok(c, `check ${id} missing`);
  assert.equal(typeof c.value, "number", `check ${id} should be a number, got ${JSON.stringify(c.value)}`);
  return c.value as number;
}
function between(checks: Record<string, CheckRecord>, id: string, lo: number, hi: number): void {
  const v = num(checks, id);
  assert.ok(v >= lo && v <= hi, `check ${id} = ${v}, expected in [${lo}, ${hi}]`);
}

async function runQuick(name: string): Promise<Record<string, CheckRecord>> {
  const t0 = Date.now();
  const r = await runNotebook(NB(name), { env: { CS231N_QUICK: "1" }, timeoutCellSec: 170 });
  console.log(`      ${name}: ${r.cells.length} code cells in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${r.checks.length} checks`);
  const bad = r.cells.filter((c) => c.status !== "ok").map((c) => ({ cell: c.index, status: c.status, error: c.error }));
  assert.deepEqual(bad, [], `cells that did not run ok: ${JSON.stringify(bad)}`);
  return r.checksById;
}

describe("notebooks: assignment 1 kNN / SVM / softmax (quick mode, tslab)", function () {
  this.timeout(180_000);

  it("knn.ipynb", async () => {
    const c = await runQuick("knn");
    assert.deepEqual(c["knn/dists_two_loops_shape"]?.value, [50, 500]);
    assert.ok(num(c, "knn/dists_two_loops_sum") > 0);
    between(c, "knn/k1_accuracy", 0.1, 0.6);
    between(c, "knn/k5_accuracy", 0.1, 0.6);
    between(c, "knn/one_loop_rel_difference", 0, 1e-5);
    between(c, "knn/no_loop_rel_difference", 0, 1e-4);
    assert.equal(c["knn/no_loop_k1_predictions_match"]?.value, true);
    assert.equal(c["knn/no_loop_faster_than_two_loops"]?.value, true);
    assert.deepEqual(c["knn/cv_accuracies"]?.shape, [10, 5]);
    assert.ok([1, 3, 5, 8, 10, 12, 15, 20, 50, 100].includes(num(c, "knn/best_k")));
    between(c, "knn/best_k_accuracy", 0.1, 0.6);
  });

  it("svm.ipynb", async () => {
    const c = await runQuick("svm");
    between(c, "svm/loss_naive", 8, 11);
    between(c, "svm/grad_check_median_rel_error", 0, 1e-6);
    between(c, "svm/grad_vs_autodiff", 0, 1e-5);
    between(c, "svm/grad_vs_autodiff_dev", 0, 5e-4);
    between(c, "svm/loss_difference", 0, 1e-5);
    between(c, "svm/grad_rel_error", 0, 5e-4);
    assert.ok(Math.abs(num(c, "svm/loss_vectorized") - num(c, "svm/loss_naive")) < 1e-4);
    assert.ok(num(c, "svm/sgd_final_loss") < 797);
    between(c, "svm/val_accuracy", 0.15, 1);
    between(c, "svm/best_val_accuracy", 0.2, 1);
    between(c, "svm/test_accuracy", 0.15, 1);
  });

  it("softmax.ipynb", async () => {
    const c = await runQuick("softmax");
    between(c, "softmax/loss_naive", 2.2, 2.4);
    assert.equal(c["softmax/loss_naive_near_log10"]?.value, true);
    between(c, "softmax/grad_check_median_rel_error", 0, 1e-6);
    between(c, "softmax/grad_vs_autodiff", 0, 1e-5);
    between(c, "softmax/grad_vs_autodiff_dev", 0, 5e-4);
    between(c, "softmax/loss_difference", 0, 1e-5);
    between(c, "softmax/grad_rel_error", 0, 5e-4);
    between(c, "softmax/best_val_accuracy", 0.2, 1);
    between(c, "softmax/test_accuracy", 0.15, 1);
    assert.ok(Number.isFinite(num(c, "softmax/best_final_loss")));
  });
});

/**
 * The three assignment-2 notebooks headless through the real tslab kernel in quick mode, with oneDNN's
 * matmul as on an AVX2 CPU (test/helpers/float32.ts): every cell runs, every check passes its quick
 * rule with the float32 margin, and the course's fixed numbers come out. The three run concurrently
 * (most of a quick run is the kernel starting and compiling the library, which uses one core).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { runNotebook } from "./helpers/notebook";
import { NOTEBOOK_TEST_ENV, ruleProblems } from "./helpers/float32";

const dir = path.join(__dirname, "..", "notebooks", "assignment2");
const runs: Record<string, ReturnType<typeof runNotebook>> = {};

async function runAndCheck(nb: string): Promise<Record<string, { value: unknown }>> {
  const r = await runs[nb];
  const bad = r.cells.filter((c) => c.status !== "ok");
  assert.deepEqual(bad, [], JSON.stringify(bad));
  assert.deepEqual(ruleProblems("assignment2", `${nb}.ipynb`, r.checksById), []);
  return r.checksById;
}
const num = (c: Record<string, { value: unknown }>, id: string): number => {
  assert.equal(typeof c[id]?.value, "number", `${id}: ${JSON.stringify(c[id])}`);
  return c[id].value as number;
};

describe("assignment 2 notebooks (quick mode, AVX2 matmul)", function () {
  this.timeout(600000);
  before(() => {
    for (const nb of ["FullyConnectedNets", "BatchNormalization", "Dropout"]) {
      runs[nb] = runNotebook(path.join(dir, `${nb}.ipynb`), { env: NOTEBOOK_TEST_ENV });
      runs[nb].catch(() => undefined); // awaited (and reported) by its test
    }
  });

  it("FullyConnectedNets runs, matches the course's update-rule arrays, and meets its quick rules", async () => {
    const c = await runAndCheck("FullyConnectedNets");
    for (const k of ["sgd_momentum_next_w_error", "rmsprop_next_w_error", "adam_next_w_error", "adam_v_error", "adam_m_error"])
      assert.ok(num(c, `FullyConnectedNets/${k}`) <= 1e-5, k);
    assert.ok(Math.abs(num(c, "FullyConnectedNets/initial_loss") - Math.log(10)) < 0.1);
    assert.equal(num(c, "FullyConnectedNets/overfit_3layer_train_accuracy"), 1);
    assert.equal(num(c, "FullyConnectedNets/overfit_5layer_train_accuracy"), 1);
  });

  it("BatchNormalization runs and meets its quick rules", async () => {
    const c = await runAndCheck("BatchNormalization");
    assert.ok(num(c, "BatchNormalization/train_std_error") <= 1e-3);
    assert.equal(c["BatchNormalization/alt_fewer_kernels"].value, true);
    assert.equal(c["BatchNormalization/test_stats_close"].value, true);
  });

  it("Dropout runs and meets its quick rules", async () => {
    const c = await runAndCheck("Dropout");
    assert.ok(Math.abs(num(c, "Dropout/zero_fraction_p04") - 0.6) < 0.01);
    assert.equal(c["Dropout/reg_gap_reduced"].value, true);
  });
});

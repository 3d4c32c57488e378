/**
 * Runs the three assignment-2 notebooks headless through the real tslab kernel in quick mode
 * (CS231N_QUICK=1): every cell must succeed, the course's fixed arrays and the float32 checks must be
 * met, and every check must satisfy its quick-mode rule of notebooks/assignment2/grading.json against
 * the committed references.quick.json. The three run concurrently (most of a quick run is the kernel
 * starting and compiling the library, which uses one core).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runNotebook } from "./helpers/notebook";
import { compare, effectiveRule, RuleSpec, Value } from "../grader/rules";

const dir = path.join(__dirname, "..", "notebooks", "assignment2");
const rules = JSON.parse(fs.readFileSync(path.join(dir, "grading.json"), "utf8")) as Record<string, RuleSpec>;
const refs = JSON.parse(fs.readFileSync(path.join(dir, "references.quick.json"), "utf8")) as { checks: Record<string, { value: Value; shape: number[] | null }> };

const runs: Record<string, ReturnType<typeof runNotebook>> = {};
async function runAndCheck(nb: string, prefix: string): Promise<Record<string, { value: unknown }>> {
  const r = await runs[nb];
  const bad = r.cells.filter((c) => c.status !== "ok");
  assert.deepEqual(bad, [], JSON.stringify(bad));
  const ids = Object.keys(rules).filter((id) => id.startsWith(prefix));
  assert.ok(ids.length > 10, `${nb}: ${ids.length} rules`);
  const failed: string[] = [];
  for (const id of ids) {
    const got = r.checksById[id];
    const v = compare(effectiveRule(rules[id], true), refs.checks[id], got ? { value: got.value as Value, shape: got.shape } : undefined);
    if (!v.passed) failed.push(`${id}: ${v.message}`);
  }
  assert.deepEqual(failed, []);
  return r.checksById;
}
const num = (c: Record<string, { value: unknown }>, id: string): number => {
  assert.equal(typeof c[id]?.value, "number", `${id}: ${JSON.stringify(c[id])}`);
  return c[id].value as number;
};

describe("assignment 2 notebooks (quick mode)", function () {
  this.timeout(600000);
  before(() => {
    for (const nb of ["FullyConnectedNets", "BatchNormalization", "Dropout"]) {
      runs[nb] = runNotebook(path.join(dir, `${nb}.ipynb`), { env: { CS231N_QUICK: "1" } });
      runs[nb].catch(() => undefined); // awaited (and reported) by its test
    }
  });

  it("FullyConnectedNets runs, matches the course's update-rule arrays, and meets its quick rules", async () => {
    const c = await runAndCheck("FullyConnectedNets", "FullyConnectedNets/");
    for (const k of ["sgd_momentum_next_w_error", "rmsprop_next_w_error", "adam_next_w_error", "adam_v_error", "adam_m_error"])
      assert.ok(num(c, `FullyConnectedNets/${k}`) <= 1e-5, k);
    assert.ok(Math.abs(num(c, "FullyConnectedNets/initial_loss") - Math.log(10)) < 0.1);
    assert.equal(num(c, "FullyConnectedNets/overfit_3layer_train_acc"), 1);
    assert.equal(num(c, "FullyConnectedNets/overfit_5layer_train_acc"), 1);
  });

  it("BatchNormalization runs and meets its quick rules", async () => {
    const c = await runAndCheck("BatchNormalization", "BatchNormalization/");
    assert.ok(num(c, "BatchNormalization/train_std_error") <= 1e-3);
    assert.ok(num(c, "BatchNormalization/backward_dx_error_small_var") < 1e-2);
    assert.equal(c["BatchNormalization/alt_fewer_kernels"].value, true);
  });

  it("Dropout runs and meets its quick rules", async () => {
    const c = await runAndCheck("Dropout", "Dropout/");
    assert.ok(Math.abs(num(c, "Dropout/zero_fraction_p04") - 0.6) < 0.01);
    assert.equal(c["Dropout/reg_gap_reduced"].value, true);
  });
});

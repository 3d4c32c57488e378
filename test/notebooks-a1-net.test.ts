/**
 * The two_layer_net and features notebooks headless in quick mode with oneDNN's matmul as on an AVX2
 * CPU: every cell runs, every check passes its quick rule with the float32 margin
 * (test/helpers/float32.ts), and the course's fixed numbers come out.
 */
import { strict as assert } from "assert";
import { runNotebook } from "./helpers/notebook";
import { NOTEBOOK_TEST_ENV, ruleProblems } from "./helpers/float32";

const num = (r: { value: unknown } | undefined, id: string): number => {
  assert.ok(r, `missing check ${id}`);
  assert.equal(typeof r.value, "number", `${id} is not a number: ${JSON.stringify(r.value)}`);
  return r.value as number;
};

describe("assignment 1 notebooks (quick mode, AVX2 matmul): two_layer_net, features", function () {
  this.timeout(240000);

  it("two_layer_net runs without errors and its checks pass with the float32 margin", async () => {
    const r = await runNotebook("notebooks/assignment1/two_layer_net.ipynb", { env: NOTEBOOK_TEST_ENV });
    const bad = r.cells.filter((c) => c.status !== "ok");
    assert.deepEqual(bad, [], JSON.stringify(bad));
    assert.deepEqual(ruleProblems("assignment1", "two_layer_net.ipynb", r.checksById), []);
    const c = r.checksById;
    assert.ok(Math.abs(num(c["two_layer_net/svm_loss"], "svm_loss") - 9) < 0.01);
    assert.ok(Math.abs(num(c["two_layer_net/softmax_loss"], "softmax_loss") - Math.log(10)) < 0.01);
    assert.equal(c["two_layer_net/init_ok"]?.value, true);
  });

  it("features runs without errors and its checks pass", async () => {
    const r = await runNotebook("notebooks/assignment1/features.ipynb", { env: NOTEBOOK_TEST_ENV });
    const bad = r.cells.filter((c) => c.status !== "ok");
    assert.deepEqual(bad, [], JSON.stringify(bad));
    assert.deepEqual(ruleProblems("assignment1", "features.ipynb", r.checksById), []);
    assert.equal(num(r.checksById["features/feature_dim"], "feature_dim"), 154);
  });
});

/** Runs the two_layer_net and features notebooks headless in quick mode and checks their results. */
import { strict as assert } from "assert";
import { runNotebook } from "./helpers/notebook";

const num = (r: { value: unknown } | undefined, id: string): number => {
  assert.ok(r, `missing check ${id}`);
  assert.equal(typeof r.value, "number", `${id} is not a number: ${JSON.stringify(r.value)}`);
  return r.value as number;
};

describe("assignment 1 notebooks (quick mode): two_layer_net, features", function () {
  this.timeout(240000);

  it("two_layer_net runs without errors and its checks pass", async () => {
    const r = await runNotebook("notebooks/assignment1/two_layer_net.ipynb", { env: { CS231N_QUICK: "1" } });
    const bad = r.cells.filter((c) => c.status !== "ok");
    assert.deepEqual(bad, [], JSON.stringify(bad));
    const c = r.checksById;
    for (const id of ["affine_forward_error", "relu_forward_error", "scores_error", "loss_error", "reg_loss_error",
      "affine_backward_autodiff_error", "relu_backward_autodiff_error", "affine_relu_backward_autodiff_error",
      "svm_dx_autodiff_error", "softmax_dx_autodiff_error", "grad_autodiff_error_reg0", "grad_autodiff_error_reg07"]) {
      assert.ok(num(c[`two_layer_net/${id}`], id) <= 1e-5, `${id} = ${c[`two_layer_net/${id}`].value}`);
    }
    for (const id of ["affine_backward_dx_error", "affine_backward_dw_error", "affine_backward_db_error", "relu_backward_error",
      "affine_relu_backward_error", "svm_dx_error", "softmax_dx_error", "grad_error_reg0", "grad_error_reg07"]) {
      assert.ok(num(c[`two_layer_net/${id}`], id) < 1e-2, `${id} = ${c[`two_layer_net/${id}`].value}`);
    }
    assert.ok(Math.abs(num(c["two_layer_net/svm_loss"], "svm_loss") - 9) < 0.01);
    assert.ok(Math.abs(num(c["two_layer_net/softmax_loss"], "softmax_loss") - Math.log(10)) < 0.01);
    assert.equal(c["two_layer_net/init_ok"]?.value, true);
    // quick mode trains on 2,000 images for one epoch: only "better than chance"
    assert.ok(num(c["two_layer_net/best_val_accuracy"], "best_val_accuracy") > 0.15);
    assert.ok(num(c["two_layer_net/test_accuracy"], "test_accuracy") > 0.15);
  });

  it("features runs without errors and its checks pass", async () => {
    const r = await runNotebook("notebooks/assignment1/features.ipynb", { env: { CS231N_QUICK: "1" } });
    const bad = r.cells.filter((c) => c.status !== "ok");
    assert.deepEqual(bad, [], JSON.stringify(bad));
    const c = r.checksById;
    assert.equal(num(c["features/feature_dim"], "feature_dim"), 154);
    assert.ok(num(c["features/svm_val_accuracy"], "svm_val_accuracy") > 0.3);
    assert.ok(num(c["features/nn_val_accuracy"], "nn_val_accuracy") > 0.2);
    assert.ok(num(c["features/nn_test_accuracy"], "nn_test_accuracy") > 0.2);
  });
});

import { strict as assert } from "assert";
import { runNotebook } from "./helpers/notebook";

describe("grader: runNotebook (real tslab kernel)", function () {
  this.timeout(120000);
  it("records ok/error cells, keeps going after errors, collects checks", async () => {
    const r = await runNotebook("test/fixtures/nb/basic.ipynb", { env: { CS231N_QUICK: "1" } });
    assert.deepEqual(r.cells.map((c) => c.status), ["ok", "error", "ok", "error", "error", "ok"]);
    assert.deepEqual(r.cells[1].error, { name: "Error", message: "TODO: boom" });
    assert.equal(r.cells[3].error!.name, "TypeScriptError");
    assert.match(r.cells[3].error!.message, /not assignable/);
    assert.equal(r.checksById["fx/two"].value, 2);
    assert.deepEqual(r.checksById["fx/arr"].shape, [2, 2]);
    assert.equal(r.checksById["fx/arr"].cell, 3);
    assert.equal(r.checksById["fx/nan"].value, "NaN");
  });
});

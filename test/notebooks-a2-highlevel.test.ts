/**
 * The assignment 2 high-level API notebook (HighLevelAPI.ipynb) headless through the real tslab kernel,
 * in quick mode (CS231N_QUICK=1: 4,000 training images, one epoch per part) and with oneDNN's matmul
 * limited to AVX2 (another summation order than the machine that generated the references):
 *   - the solution: every cell runs and every check the quick references list passes its quick rule;
 *   (the student release of the notebook runs in the quick grading of test/grader-assignment2.test.ts);
 *   - lib/tslabIopub.ts: a burst of outputs (as a training loop's log lines and progress updates make)
 *     no longer loses tslab's messages; without it the same cell fails or never reports "idle".
 */
import { strict as assert } from "assert";
import { runCells } from "../grader/runNotebook";
import { runNotebook } from "./helpers/notebook";
import { NOTEBOOK_TEST_ENV, ruleProblems } from "./helpers/float32";

const NB = "HighLevelAPI.ipynb";
const ENV = NOTEBOOK_TEST_ENV;

describe("assignment 2 notebook HighLevelAPI (quick mode)", function () {
  this.timeout(600000);

  const burst = 'for (let k = 0; k < 1200; k++) { console.log("line " + k); displayBundle({ "text/plain": "progress " + k }, "burst"); }';
  it("tslab keeps every message of a burst of outputs once the library is loaded (lib/tslabIopub.ts)", async () => {
    const r = await runCells(['import { displayBundle } from "./lib/index";', burst, 'console.log("after")'], { timeoutCellSec: 60 });
    assert.ok(r.ok, r.error);
    assert.deepEqual(r.cells.map((c) => c.status), ["ok", "ok", "ok"], JSON.stringify(r.cells.map((c) => c.error)));
  });
  it("control: without the fix the same burst breaks the kernel's output (an error or a lost idle status)", async () => {
    const r = await runCells(['import { displayBundle } from "./lib/display";', burst], { timeoutCellSec: 6 });
    assert.ok(r.ok, r.error);
    assert.equal(r.cells[0].status, "ok");
    assert.notEqual(r.cells[1].status, "ok", "the zeromq deferral did not trigger: is lib/tslabIopub.ts still needed?");
  });

  it("the solution runs top to bottom and every check passes its quick rule", async () => {
    const r = await runNotebook(`notebooks/assignment2/${NB}`, { env: ENV, timeoutCellSec: 300 });
    const bad = r.cells.filter((c) => c.status !== "ok");
    assert.deepEqual(bad.map((c) => ({ cell: c.index, status: c.status, error: c.error })), []);
    const ids = Object.keys(r.checksById).filter((id) => id.startsWith("HighLevelAPI/"));
    assert.ok(ids.length >= 20, `only ${ids.length} checks`);
    assert.deepEqual(ruleProblems("assignment2", NB, r.checksById), []);
    assert.equal(r.checksById["HighLevelAPI/module_convnet_num_params"].value, 83714, "Module tracks its sublayers' weights");
    assert.equal(r.checksById["HighLevelAPI/challenge_reload_matches"].value, true, "the saved best model loads back");
  });
  // the student release of this notebook runs in the quick grading of test/grader-assignment2.test.ts
});

/**
 * setup_check.ipynb through the real tslab kernel, headless (grader/runNotebook: nbclient), and every
 * committed notebook validated with nbformat.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runNotebook } from "./helpers/notebook";

const ROOT = path.resolve(__dirname, "..");
const PY = path.join(ROOT, ".venv", "bin", "python");

function allNotebooks(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === ".ipynb_checkpoints" ? [] : allNotebooks(p);
    return e.name.endsWith(".ipynb") ? [p] : [];
  });
}

describe("notebooks: nbformat validation", () => {
  const nbs = allNotebooks(path.join(ROOT, "notebooks"));
  it("finds the committed notebooks", () => assert.ok(nbs.length >= 1));
  for (const nb of nbs) {
    it(`${path.relative(ROOT, nb)} is valid nbformat 4 with the tslab kernelspec and no stored outputs`, () => {
      const out = execFileSync(PY, ["-c", [
        "import sys, json, nbformat",
        "nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)",
        "nbformat.validate(nb)",
        "print(json.dumps({'major': nb.nbformat, 'kernel': nb.metadata.get('kernelspec', {}).get('name'),",
        "  'outputs': sum(len(c.get('outputs', [])) for c in nb.cells if c.cell_type == 'code')}))",
      ].join("\n"), nb], { encoding: "utf8" });
      const info = JSON.parse(out) as { major: number; kernel: string; outputs: number };
      assert.equal(info.major, 4);
      assert.equal(info.kernel, "tslab");
      assert.equal(info.outputs, 0, "solution notebooks are committed without outputs");
    });
  }
});

describe("notebooks: setup_check.ipynb headless through the tslab kernel", function () {
  this.timeout(180_000);
  it("runs every cell, reports the native backend and emits its checks and a plotly figure", async () => {
    const t0 = Date.now();
    const executed = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "setup-nb-")), "executed.ipynb");
    const r = await runNotebook(path.join(ROOT, "notebooks", "setup_check.ipynb"), { outputNotebook: executed });
    console.log(`      ${r.cells.length} code cells in ${((Date.now() - t0) / 1000).toFixed(1)} s; checks: ${r.checks.map((c) => c.id).join(", ")}`);
    const bad = r.cells.filter((c) => c.status !== "ok");
    assert.deepEqual(bad, [], `cells that did not run ok: ${JSON.stringify(bad)}`);
    assert.equal(r.checksById["setup/backend"]?.value, "tensorflow");
    assert.equal(r.checksById["setup/tf_major_version"]?.value, 2);
    assert.deepEqual(r.checksById["setup/train_shape"]?.value, [50000, 32, 32, 3]);
    assert.deepEqual(r.checksById["setup/test_shape"]?.value, [10000, 32, 32, 3]);
    assert.equal((r.checksById["setup/classes"]?.value as string[]).length, 10);
    assert.equal(r.checksById["setup/tensors_after_dispose"]?.value, 0);
    // The executed notebook holds the plotly figure (an image trace of the sample grid) and stays valid.
    const nb = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
    const figs = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data?.["application/vnd.plotly.v1+json"]).filter(Boolean) as { data: { type: string; source?: string }[] }[];
    assert.equal(figs.length, 1, "one plotly figure");
    assert.equal(figs[0].data[0].type, "image");
    assert.match(figs[0].data[0].source ?? "", /^data:image\/png;base64,/);
    execFileSync(PY, ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", executed]);
  });
});

/**
 * The ConvolutionalNetworks notebook headless through the real tslab kernel in quick mode, with oneDNN's
 * matmul as on an AVX2 CPU (test/helpers/float32.ts): every cell runs, every check passes its quick rule
 * with the float32 margin, the course's fixed outputs come out, the fast layers agree with the naive
 * ones and are faster, and the plots (the image-processing aside, the training curves, the filters) are
 * shown as plotly figures.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "./helpers/notebook";
import { NOTEBOOK_TEST_ENV, ruleProblems } from "./helpers/float32";

const nb = path.join(__dirname, "..", "notebooks", "assignment2", "ConvolutionalNetworks.ipynb");

describe("assignment 2 ConvolutionalNetworks notebook (quick mode, AVX2 matmul)", function () {
  this.timeout(900000);
  it("runs, reproduces the course's conv and pool outputs, shows its plots, and meets its quick rules", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-cnn-nb-"));
    const executed = path.join(dir, "executed.ipynb");
    try {
      const r = await runNotebook(nb, { env: NOTEBOOK_TEST_ENV, outputNotebook: executed });
      const bad = r.cells.filter((c) => c.status !== "ok");
      assert.deepEqual(bad, [], JSON.stringify(bad));
      assert.deepEqual(ruleProblems("assignment2", "ConvolutionalNetworks.ipynb", r.checksById), []);
      const v = (id: string): unknown => r.checksById[`ConvolutionalNetworks/${id}`]?.value;
      assert.ok((v("conv_forward_error") as number) <= 1e-5 && (v("pool_forward_error") as number) <= 1e-5);
      assert.deepEqual(v("aside_output_shape"), [2, 2, 32, 32]);
      assert.ok(Math.abs((v("cnn_initial_loss") as number) - Math.log(10)) < 0.01);
      assert.equal(v("cnn_reg_increases_loss"), true);
      assert.equal(v("sbn_test_stats_close"), true);
      // the executed notebook: plotly figures for the aside, the two training histories and the filters;
      // the printed speed-ups of the fast layers are all above 1
      const out = JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: { outputs?: { data?: Record<string, unknown>; text?: string | string[] }[] }[] };
      const outputs = out.cells.flatMap((c) => c.outputs ?? []);
      const figures = outputs.filter((o) => o.data && "application/vnd.plotly.v1+json" in o.data).length;
      assert.ok(figures >= 5, `${figures} plotly figures`);
      const text = outputs.map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
      const speedups = [...text.matchAll(/speed-up ([\d.]+)x/g)].map((m) => Number(m[1]));
      assert.equal(speedups.length, 4, text);
      for (const s of speedups) assert.ok(s > 1, `speed-ups ${speedups}`);
      assert.match(text, /one epoch on 2000 images: [\d.]+ s/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

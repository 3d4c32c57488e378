/**
 * The sandboxed kernel directly (one kernel): what it sees of a read-only host directory below /tmp
 * (where CI checkouts may live, and which the sandbox replaces by its own), and the launch it gets.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch } from "../grader/grade";
import { runSessions } from "../grader/runNotebook";
import { makeSandbox, SANDBOX_ROOT } from "../grader/sandbox";
import { fixtureCourse } from "./helpers/graderCourse";

describe("grader: sandbox launch", function () {
  this.timeout(120000);
  let fx: ReturnType<typeof fixtureCourse>;
  let data = "";
  before(() => {
    fx = fixtureCourse("sandbox");
    data = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-data-"));
    fs.writeFileSync(path.join(data, "data.txt"), "42");
  });
  after(() => {
    fx?.cleanup();
    fs.rmSync(data, { recursive: true, force: true });
  });

  it("a read-only directory below /tmp is reachable through its env var; /tmp is the sandbox's own; the course root holds only lib and config", async () => {
    const work = path.join(fx.tmp, "work");
    fs.mkdirSync(work);
    const sb = makeSandbox({ root: fx.course, work, diskMB: 16, memoryMB: 1024, pids: 256, env: { CIFAR10_DIR: data }, readOnly: [data] });
    // the kernel's environment is built from scratch: a few basics, numerics settings, what we pass
    for (const k of Object.keys(sb.launch.env))
      assert.match(k, /^(PATH|HOME|TMPDIR|LANG|LC_ALL|TZ|CIFAR10_DIR|CS231N_HEADLESS)$|^(ONEDNN_|DNNL_|TF_|OMP_|MKL_|KMP_|OPENBLAS_)/, `env ${k} passed to the kernel`);
    try {
      const cells = [
        'import { check } from "./lib/index";\nimport * as fs from "fs";\ncheck("sb/data", fs.readFileSync(process.env.CIFAR10_DIR + "/data.txt", "utf8"));',
        `check("sb/data_dir", process.env.CIFAR10_DIR!.startsWith("/.host/tmp/"));\ncheck("sb/tmp_has_data", fs.existsSync(${JSON.stringify(data)}));`,
        'fs.writeFileSync(process.env.CIFAR10_DIR + "/x", "1");',
        'check("sb/cwd", process.cwd());\ncheck("sb/root", fs.readdirSync(".").filter((f) => !f.startsWith(".")).sort().join(","));',
      ];
      const [r] = await runSessions([{ name: "sb", cells: cells.map((source, i) => ({ source, unit: "sb", index: i, codeIndex: i + 1 })) }], sb, { timeoutCellSec: 30 });
      const v = Object.fromEntries(r.checks.map((c) => [c.id, c.value]));
      assert.equal(v["sb/data"], "42", JSON.stringify(r));
      assert.equal(v["sb/data_dir"], true);
      assert.equal(v["sb/tmp_has_data"], false, "the host's /tmp is not the kernel's");
      assert.match(r.cells[2].error!.message, /EROFS/);
      assert.equal(v["sb/cwd"], SANDBOX_ROOT);
      assert.equal(v["sb/root"], "lib,node_modules,package.json,tsconfig.json");
    } finally {
      sb.dispose();
    }
  });

  it("a live display updated in place is stored once (its latest state), without eating the output cap", async () => {
    const work = path.join(fx.tmp, "work2");
    fs.mkdirSync(work);
    const nb = path.join(work, "live.ipynb");
    const src = [
      'import { displayBundle } from "./lib/display";',
      'const pad = "z".repeat(20000);',
      'for (let i = 0; i <= 200; i++) displayBundle({ "text/plain": `step ${i} ${pad}` }, "live-1");',
    ].join("\n");
    fs.writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", id: "a", metadata: {}, execution_count: null, outputs: [], source: src }] }));
    const sb = makeSandbox({ root: fx.course, work, diskMB: 16, memoryMB: 1024, pids: 256, env: {}, readOnly: [] });
    try {
      const executed = path.join(work, "out.ipynb");
      const [r] = await runSessions([{ name: "live.ipynb", notebook: nb, outputNotebook: executed }], sb, { timeoutCellSec: 60 });
      assert.deepEqual(r.cells.map((c) => [c.status, c.notes]), [["ok", undefined]], JSON.stringify(r.cells));
      const outs = JSON.parse(fs.readFileSync(executed, "utf8")).cells[0].outputs;
      assert.equal(outs.length, 1);
      assert.match(outs[0].data["text/plain"], /^step 200 /);
    } finally {
      sb.dispose();
    }
  });

  it("--no-sandbox (debugging the grader on trusted code) grades the same and says so", async () => {
    const sub = path.join(fx.tmp, "nosb");
    fs.mkdirSync(sub);
    fs.cpSync(path.join(fx.course, "lib"), path.join(sub, "lib"), { recursive: true });
    for (const n of ["basics.ipynb", "second.ipynb"]) fs.copyFileSync(path.join(fx.course, "notebooks/fx1", n), path.join(sub, n));
    const [r] = await gradeBatch(assignment("fx1", fx.course), [sub], { out: path.join(fx.tmp, "nosb-out"), noSandbox: true, log: () => undefined });
    assert.equal(r.score, 10, JSON.stringify(r.checks.filter((c) => !c.passed)));
    assert.match(r.sandbox.join("; "), /NO SANDBOX/);
  });
});

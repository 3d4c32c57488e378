/**
 * CI smoke run of the benchmarks: `npm run bench -- --tiny` runs every bench on tiny sizes, with the
 * NumPy and TensorFlow-Python peers installed by the benchmark's own set-up. It proves the pipeline
 * works end to end (every case measured on every side, the table and JSON written); speed itself is
 * never asserted here (tiny sizes have no targets; `npm run bench` checks the real ones).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

describe("benchmarks: smoke run on tiny sizes", function () {
  this.timeout(20 * 60 * 1000);
  let out = "";
  let status: number | null = null;

  before(() => {
    for (const f of ["bench-compare.json", "bench-compare.md", "bench.json"]) fs.rmSync(path.join(ROOT, "artifacts", f), { force: true });
    const r = spawnSync("npm", ["run", "--silent", "bench", "--", "--tiny"], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
    out = `${r.stdout}\n${r.stderr}`;
    status = r.status;
    fs.mkdirSync(path.join(ROOT, "artifacts"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "artifacts", "bench-tiny.log"), out);
  });

  it("exits 0 and reports no measurement over a target", () => {
    assert.equal(status, 0, `npm run bench -- --tiny failed (artifacts/bench-tiny.log):\n${out.slice(-3000)}`);
    assert.match(out, /measurements, 0 over target/);
  });

  it("measures every case on the project and on the peers its targets name, and writes the table", () => {
    const cases = (JSON.parse(fs.readFileSync(path.join(ROOT, "bench/compare/cases.json"), "utf8")) as { cases: { id: string; target: Record<string, number> }[] }).cases;
    const report = JSON.parse(fs.readFileSync(path.join(ROOT, "artifacts", "bench-compare.json"), "utf8")) as {
      size: string; cases: { id: string; ms: Record<string, number | null>; ratios: Record<string, number> }[]; memory: { numTensorsAfterEpochs: number[] } | null;
      sides: { error: string | null }[];
    };
    assert.equal(report.size, "tiny");
    assert.deepEqual(report.sides.map((s) => s.error), [null, null, null], "the project, NumPy and TensorFlow-Python sides all ran");
    for (const c of cases) {
      const got = report.cases.find((x) => x.id === c.id);
      assert.ok(got, `case ${c.id} is in the report`);
      assert.ok((got.ms["tfjs-node"] ?? 0) > 0, `${c.id}: project time`);
      for (const peer of Object.keys(c.target)) {
        assert.ok((got.ms[peer] ?? 0) > 0, `${c.id}: ${peer} time`);
        assert.ok(Number.isFinite(got.ratios[peer]), `${c.id}: ratio to ${peer}`);
      }
    }
    const epochs = report.memory?.numTensorsAfterEpochs ?? [];
    assert.equal(epochs.length, 4);
    assert.ok(epochs.every((n) => n === epochs[0]), `tensor count flat across epochs: ${epochs.join(", ")}`);
    const md = fs.readFileSync(path.join(ROOT, "artifacts", "bench-compare.md"), "utf8");
    assert.match(md, /\| case \| project \(tfjs-node\) \| NumPy \| TF eager \| tf\.function \| Keras fit \|/);
    assert.equal(md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| case")).length, cases.length);
  });
});

import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch, SubmissionResult, writeCsvRow } from "../grader/grade";
import { PYTHON } from "../grader/runNotebook";
import { buildHostile } from "./fixtures/hostile/build";
import { fixtureCourse } from "./helpers/graderCourse";

describe("grader: hostile submissions (fixture assignment fx1, sandboxed)", function () {
  this.timeout(400000);
  let fx: ReturnType<typeof fixtureCourse>;
  let server: http.Server;
  let out: string;
  const byName: Record<string, SubmissionResult> = {};
  const check = (r: SubmissionResult, id: string) => {
    const c = r.checks.find((c) => c.id === id);
    assert.ok(c, `no check ${id}`);
    return c!;
  };

  before(async () => {
    fx = fixtureCourse("hostile");
    server = http.createServer((_q, s) => s.end("14"));
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    const port = (server.address() as { port: number }).port;
    const subs = buildHostile(fx.course, path.join(fx.tmp, "subs"), { port, python: PYTHON });
    out = path.join(fx.tmp, "out");
    const order = ["crashy", "snoop", "broken", "good", "badnb", "traversal"];
    const t0 = Date.now();
    const rs = await gradeBatch(assignment("fx1", fx.course), order.map((k) => subs[k]), {
      out,
      jobs: 3,
      timeoutCellSec: 10,
      timeoutTotalSec: 240,
      memoryMB: 1536,
      log: () => undefined,
    });
    console.log(`      batch of ${rs.length} graded in ${((Date.now() - t0) / 1000).toFixed(1)} s; overhead per submission (s): ${rs.map((r) => `${r.name} ${r.overheadSeconds.toFixed(1)}`).join(", ")}`);
    for (const r of rs) byName[r.name] = r;
  });
  after(() => {
    server?.close();
    fx?.cleanup();
  });

  it("good: full marks, results.json + feedback.html + csv row", () => {
    const r = byName.good;
    assert.equal(r.score, r.maxScore, JSON.stringify(r.checks.filter((c) => !c.passed)));
    assert.equal(r.maxScore, 9);
    const res = JSON.parse(fs.readFileSync(path.join(out, "good", "results.json"), "utf8"));
    assert.equal(res.score, 9);
    assert.ok(res.tests.every((t: { visibility: string }) => t.visibility));
    assert.match(fs.readFileSync(path.join(out, "good", "feedback.html"), "utf8"), /9 \/ 9/);
  });

  it("crashy: hung await → interrupted with state kept, infinite loop → restart, process.exit / SIGSEGV → kernel died, memory bomb → OOM; later cells still graded", () => {
    const r = byName.crashy;
    const basics = r.notebooks.find((n) => n.notebook === "basics.ipynb")!;
    assert.deepEqual(basics.cells.map((c) => c.status), ["ok", "timeout", "ok", "timeout", "ok", "died", "ok", "died", "ok"]);
    assert.match(basics.cells[1].error!.message, /interrupted \(the kernel kept its state\)/);
    // a synchronous busy loop: tslab either answers the interrupt or gets restarted; both are timeouts
    assert.match(basics.cells[3].error!.message, /per-cell time limit of 10s (and was interrupted|and did not stop when interrupted; the kernel was restarted)/);
    assert.match(basics.cells[5].error!.message, /exit code 3/);
    assert.match(basics.cells[7].error!.message, /signal 11/);
    const second = r.notebooks.find((n) => n.notebook === "second.ipynb")!;
    assert.equal(second.cells[0].status, "died");
    assert.equal(second.cells[0].error!.name, "OutOfMemory", JSON.stringify(second.cells[0]));
    assert.equal(r.score, r.maxScore, JSON.stringify(r.checks.filter((c) => !c.passed)));
  });

  it("snoop.zip: cannot read references or the solution lib, no network, forged check() values don't fool the hidden tests", () => {
    const r = byName.snoop;
    assert.match(check(r, "basics/affine").message, /ENOENT|no such file/);
    const basics = r.notebooks.find((n) => n.notebook === "basics.ipynb")!;
    assert.equal(basics.cells[2].status, "error");
    assert.match(basics.cells[2].error!.message, /fetch failed|ECONNREFUSED|ENETUNREACH/);
    assert.equal(basics.cells[3].status, "error", "the solution lib must not be readable");
    assert.match(basics.cells[3].error!.message, /ENOENT/);
    for (const id of ["hidden/affine_random", "hidden/sum_squares_random"]) {
      assert.equal(check(r, id).score, 0);
      assert.match(check(r, id).message, /TODO/);
    }
  });

  it("broken: wrong shape, missing function, type error each get a clear message", () => {
    const r = byName.broken;
    assert.match(check(r, "basics/affine").message, /expected shape \(2, 3\), got shape \(3, 2\)/);
    assert.match(check(r, "basics/sum_squares").message, /sumSquares/);
    assert.match(check(r, "basics/accuracy").message, /TypeScriptError.*not assignable/);
    assert.match(check(r, "hidden/affine_random").message, /expected shape \(4, 5\), got shape \(5, 4\)/);
    assert.equal(r.score, 0);
  });

  it("badnb: non-JSON and nbformat-3 notebooks fail per notebook; hidden tests still run", () => {
    const r = byName.badnb;
    assert.match(r.notebooks.find((n) => n.notebook === "basics.ipynb")!.problem!, /not JSON/);
    assert.match(r.notebooks.find((n) => n.notebook === "second.ipynb")!.problem!, /nbformat 3/);
    assert.equal(check(r, "hidden/affine_random").score, 2);
    assert.equal(r.score, 3);
  });

  it("traversal.zip: rejected, nothing written outside, batch continued", () => {
    const r = byName.traversal;
    assert.match(r.error!, /unsafe entry path/);
    assert.ok(!fs.existsSync(path.join(fx.tmp, "evil.txt")) && !fs.existsSync("/tmp/abs.txt"));
    assert.ok(fs.existsSync(path.join(out, "traversal", "results.json")));
  });

  it("grades.csv has one row per submission and regrading replaces the row", async () => {
    const rows = () => fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    assert.equal(rows().length, 7);
    await writeCsvRow(out, { ...byName.good, score: 1 });
    assert.equal(rows().length, 7);
    assert.ok(rows().some((l) => l.startsWith("good,1,9,")));
  });
});

/**
 * The one end-to-end grading run of assignment 1 (quick mode: CS231N_QUICK=1, the committed
 * references.quick.json), sandboxed, in a copy of the course, two submissions with --jobs 2:
 *   solution — the solution lib and notebooks: 100%;
 *   release  — the untouched student release: 0, every graded check failing with a TODO message, no crash.
 * Partial credit (exactly the points of the implemented functions) is proven on the fixture course
 * (test/grader-batch.test.ts), where it is cheap.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch, SubmissionResult } from "../grader/grade";
import { makeRelease } from "../grader/release";
import { repoCourse } from "./helpers/graderCourse";

describe("grader: assignment 1 end to end — solution 100%, release 0 (quick mode, --jobs 2)", function () {
  this.timeout(1200000);
  let cc: ReturnType<typeof repoCourse>;
  const by: Record<string, SubmissionResult> = {};
  let out = "";

  before(async () => {
    cc = repoCourse("a1", "assignment1");
    const a = assignment("assignment1", cc.course);
    const sol = path.join(cc.tmp, "subs", "solution");
    fs.cpSync(path.join(cc.course, "lib"), path.join(sol, "lib"), { recursive: true });
    fs.cpSync(a.notebooksDir, path.join(sol, "notebooks", "assignment1"), { recursive: true, filter: (f) => !f.endsWith(".json") });
    const rel = makeRelease(a, { outRoot: path.join(cc.tmp, "release") });
    out = path.join(cc.tmp, "out");
    const t0 = Date.now();
    const rs = await gradeBatch(a, [sol, rel.dir], { out, jobs: 2, quick: true, log: () => undefined });
    console.log(
      `      2 submissions graded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ` +
        rs.map((r) => `${r.name} ${r.score}/${r.maxScore} in ${r.seconds.toFixed(0)} s, kernels' CPU ${(r.cpuSeconds ?? 0).toFixed(0)} s (${r.units.map((u) => `${u.name} ${u.seconds.toFixed(0)}s`).join(", ")}; overhead ${r.overheadSeconds.toFixed(1)} s)`).join("; ") +
        `; load ${os.loadavg()[0].toFixed(1)}`,
    );
    by.solution = rs[0];
    by.release = rs[1];
  });
  after(() => cc?.cleanup());

  it("the solution grades 100%", () => {
    const r = by.solution;
    const failed = r.checks.filter((c) => !c.passed);
    assert.deepEqual(failed.map((c) => `${c.id}: ${c.message}`), []);
    assert.equal(r.score, r.maxScore);
    assert.ok(r.maxScore >= 100, `max score ${r.maxScore}`);
    for (const u of r.units) assert.ok(!u.problem && u.cells.every((c) => c.status === "ok"), `${u.name}: ${u.problem ?? JSON.stringify(u.cells.filter((c) => c.status !== "ok"))}`);
    assert.ok(r.units.some((u) => u.kind === "hidden") && r.units.filter((u) => u.kind === "notebook").length === 5);
    const res = JSON.parse(fs.readFileSync(path.join(out, "solution", "results.json"), "utf8"));
    assert.equal(res.score, r.maxScore);
  });

  it("the untouched release grades 0 with TODO messages and no crash", () => {
    const r = by.release;
    assert.equal(r.error, undefined);
    assert.equal(r.score, 0);
    assert.equal(r.maxScore, by.solution.maxScore);
    for (const u of r.units) {
      assert.equal(u.problem, undefined, `${u.name}: ${u.problem}`);
      assert.ok(u.cells.length > 0, u.name);
      for (const c of u.cells) assert.ok(c.status === "ok" || c.status === "error", `${u.name} cell ${c.codeIndex}: ${c.status} ${c.error?.message}`);
    }
    const graded = r.checks.filter((c) => c.max > 0);
    assert.ok(graded.length > 50);
    const noTodo = graded.filter((c) => !/TODO/.test(c.message));
    assert.deepEqual(noTodo.map((c) => `${c.id}: ${c.message}`), []);
    assert.match(fs.readFileSync(path.join(out, r.name, "feedback.html"), "utf8"), /TODO/);
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 3);
    assert.ok(csv.some((l) => l.startsWith(`${r.name},0,${r.maxScore},graded,`)), csv.join("\n"));
  });
});

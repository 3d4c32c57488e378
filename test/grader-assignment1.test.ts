/**
 * Grades assignment 1 end to end in quick mode (CS231N_QUICK=1, the committed
 * references.quick.json) in a copy of the course, three submissions in one batch with --jobs 2:
 *   solution — the solution lib and notebooks: 100%;
 *   release  — the untouched student release: 0, every graded check failing with a TODO message, no crash;
 *   partial  — the solution except kNN (its lib file and notebook as released): exactly the points of
 *              every check but the kNN ones.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch, loadReferences, SubmissionResult } from "../grader/grade";
import { makeRelease } from "../grader/release";
import { repoCourse } from "./helpers/graderCourse";

describe("grader: assignment 1 solution / release / partial (quick mode, --jobs 2)", function () {
  this.timeout(1200000);
  let cc: ReturnType<typeof repoCourse>;
  const by: Record<string, SubmissionResult> = {};
  let out = "";
  const isKnn = (id: string): boolean => id.startsWith("knn/") || id.startsWith("hidden/knn_");

  before(async () => {
    cc = repoCourse("a1", "assignment1");
    const a = assignment("assignment1", cc.course);
    const subs = path.join(cc.tmp, "subs");
    // solution
    const sol = path.join(subs, "solution");
    fs.cpSync(path.join(cc.course, "lib"), path.join(sol, "lib"), { recursive: true });
    fs.cpSync(a.notebooksDir, path.join(sol, "notebooks", "assignment1"), { recursive: true, filter: (f) => !f.endsWith(".json") });
    // release, untouched
    const rel = makeRelease(a, { outRoot: path.join(cc.tmp, "release") });
    // partial: the solution with kNN as released
    const part = path.join(subs, "partial");
    fs.cpSync(sol, part, { recursive: true });
    for (const f of ["lib/classifiers/kNearestNeighbor.ts", "notebooks/assignment1/knn.ipynb"]) fs.copyFileSync(path.join(rel.dir, f), path.join(part, f));
    out = path.join(cc.tmp, "out");
    const t0 = Date.now();
    const rs = await gradeBatch(a, [sol, rel.dir, part], { out, jobs: 2, quick: true, log: () => undefined });
    console.log(`      3 submissions graded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${rs.map((r) => `${r.name} ${r.score}/${r.maxScore}`).join(", ")}`);
    by.solution = rs[0];
    by.release = rs[1];
    by.partial = rs[2];
  });
  after(() => cc?.cleanup());

  it("the solution grades 100%", () => {
    const r = by.solution;
    const failed = r.checks.filter((c) => !c.passed);
    assert.deepEqual(failed.map((c) => `${c.id}: ${c.message}`), []);
    assert.equal(r.score, r.maxScore);
    assert.ok(r.maxScore >= 100, `max score ${r.maxScore}`);
    for (const n of r.notebooks) assert.ok(!n.problem && n.cells.every((c) => c.status === "ok"), n.notebook);
    const res = JSON.parse(fs.readFileSync(path.join(out, "solution", "results.json"), "utf8"));
    assert.equal(res.score, r.maxScore);
  });

  it("the untouched release grades 0 with TODO messages and no crash", () => {
    const r = by.release;
    assert.equal(r.error, undefined);
    assert.equal(r.score, 0);
    assert.equal(r.maxScore, by.solution.maxScore);
    for (const n of r.notebooks) {
      assert.equal(n.problem, undefined, `${n.notebook}: ${n.problem}`);
      assert.ok(n.cells.length > 0, n.notebook);
      for (const c of n.cells) assert.ok(c.status === "ok" || c.status === "error", `${n.notebook} cell ${c.codeIndex}: ${c.status} ${c.error?.message}`);
    }
    const graded = r.checks.filter((c) => c.max > 0);
    assert.ok(graded.length > 50);
    const noTodo = graded.filter((c) => !/TODO/.test(c.message));
    assert.deepEqual(noTodo.map((c) => `${c.id}: ${c.message}`), []);
    assert.match(fs.readFileSync(path.join(out, r.name, "feedback.html"), "utf8"), /TODO/);
  });

  it("a partial submission (all but kNN) gets exactly its partial credit", () => {
    const r = by.partial;
    const ref = loadReferences(assignment("assignment1", cc.course), true);
    const expected = Object.entries(ref.checks).filter(([id]) => !isKnn(id)).reduce((s, [, c]) => s + c.points, 0);
    assert.ok(expected > 0 && expected < r.maxScore);
    for (const c of r.checks) {
      if (isKnn(c.id)) assert.equal(c.score, 0, c.id);
      else assert.equal(c.score, c.max, `${c.id}: ${c.message}`);
    }
    assert.equal(r.score, expected);
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 4);
    assert.ok(csv.some((l) => l.startsWith(`partial,${expected},${r.maxScore},graded,`)), csv.join("\n"));
  });
});

/**
 * The one end-to-end grading run of assignment 1 (quick mode: CS231N_QUICK=1, the committed
 * references.quick.json), sandboxed, in a copy of the course, ONE batch with --jobs 2:
 *   solution — the solution lib and notebooks: 100%;
 *   forged   — the untouched student release whose check cells were edited to record the reference
 *              values, plus a cell of its own per notebook emitting the check MIME bundle with them:
 *              0 (the course's cells are restored, its own checks ignored), every graded check
 *              failing with a TODO message, no crash;
 *   mutants  — the mutation test of the grading (test/helpers/mutants.ts): planted defects in copies
 *              of the solution lib, each graded with only the notebooks that use the mutated code,
 *              must lose every point of the checks that cover the defect and nothing else.
 * Then trivial implementations (zero, constant, identity; test/helpers/trivial.ts) run through the
 * hidden tests in one kernel and must score 0 there.
 * Partial credit (exactly the points of the implemented functions) is proven on the fixture course
 * (test/grader-batch.test.ts), where it is cheap.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch, SubmissionResult } from "../grader/grade";
import { loadReferences } from "../grader/references";
import { makeRelease } from "../grader/release";
import { buildForged } from "./helpers/forged";
import { repoCourse, writeSolvedLib } from "./helpers/graderCourse";
import { A1_MUTANTS, buildMutant } from "./helpers/mutants";
import { TRIVIAL, trivialHiddenScores } from "./helpers/trivial";

describe("grader: assignment 1 end to end — solution 100%, forged release 0, mutants lose exactly their checks (quick mode, --jobs 2)", function () {
  this.timeout(2400000);
  let cc: ReturnType<typeof repoCourse>;
  const by: Record<string, SubmissionResult> = {};
  let out = "";

  before(async () => {
    cc = repoCourse("a1", "assignment1");
    const a = assignment("assignment1", cc.course);
    const sol = path.join(cc.tmp, "subs", "solution");
    writeSolvedLib(a, sol);
    fs.cpSync(a.notebooksDir, path.join(sol, "notebooks", "assignment1"), { recursive: true, filter: (f) => !f.endsWith(".json") });
    const rel = makeRelease(a, { outRoot: path.join(cc.tmp, "release") });
    const forged = buildForged(rel.dir, loadReferences(a, true), path.join(cc.tmp, "subs", "forged"), ["edited", "mime"]);
    const mutants = A1_MUTANTS.map((m) => buildMutant(cc.course, a.name, m, path.join(cc.tmp, "subs", m.name)));
    out = path.join(cc.tmp, "out");
    const t0 = Date.now();
    const rs = await gradeBatch(a, [sol, forged, ...mutants], { out, jobs: 2, quick: true, log: () => undefined });
    console.log(
      `      ${rs.length} submissions graded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ` +
        rs.map((r) => `${r.name} ${r.score}/${r.maxScore} in ${r.seconds.toFixed(0)} s, kernels' CPU ${(r.cpuSeconds ?? 0).toFixed(0)} s (${r.units.filter((u) => u.cells.length).map((u) => `${u.name} ${u.seconds.toFixed(0)}s`).join(", ")}; overhead ${r.overheadSeconds.toFixed(1)} s)`).join("; ") +
        `; load ${os.loadavg()[0].toFixed(1)}`,
    );
    for (const r of rs) by[r.name] = r;
  });
  after(() => cc?.cleanup());

  it("the solution grades 100% with nothing restored", () => {
    const r = by.solution;
    const failed = r.checks.filter((c) => !c.passed);
    assert.deepEqual(failed.map((c) => `${c.id}: ${c.message}`), []);
    assert.equal(r.score, r.maxScore);
    assert.ok(r.maxScore >= 100, `max score ${r.maxScore}`);
    assert.deepEqual(r.warnings, []);
    for (const u of r.units) {
      assert.ok(!u.problem && u.cells.every((c) => c.status === "ok"), `${u.name}: ${u.problem ?? JSON.stringify(u.cells.filter((c) => c.status !== "ok"))}`);
      assert.deepEqual(u.notes ?? [], [], u.name);
    }
    assert.ok(r.units.some((u) => u.kind === "hidden") && r.units.filter((u) => u.kind === "notebook").length === 5);
    const res = JSON.parse(fs.readFileSync(path.join(out, "solution", "results.json"), "utf8"));
    assert.equal(res.score, r.maxScore);
  });

  it("a forged release (check cells edited to the reference values, own cells emitting the check bundle) grades 0 with TODO messages and no crash", () => {
    const r = by.forged;
    assert.equal(r.error, undefined);
    assert.equal(r.score, 0, JSON.stringify(r.checks.filter((c) => c.score > 0).map((c) => c.id)));
    assert.equal(r.maxScore, by.solution.maxScore);
    for (const u of r.units) {
      assert.equal(u.problem, undefined, `${u.name}: ${u.problem}`);
      assert.ok(u.cells.length > 0, u.name);
      for (const c of u.cells) assert.ok(c.status === "ok" || c.status === "error", `${u.name} cell ${c.codeIndex}: ${c.status} ${c.error?.message}`);
      if (u.kind === "notebook") {
        assert.ok(u.notes!.some((n) => /is the course's and had been edited: the course's version ran instead/.test(n)), `${u.name}: ${u.notes}`);
        // the forged bundle cell (the last) recorded values, none of which counted
        assert.ok(u.checks.some((c) => c.cell === Math.max(...u.cells.map((x) => x.index))), `${u.name}: the forged cell recorded nothing`);
      }
    }
    const graded = r.checks.filter((c) => c.max > 0);
    assert.ok(graded.length > 50);
    const noTodo = graded.filter((c) => !/TODO/.test(c.message));
    assert.deepEqual(noTodo.map((c) => `${c.id}: ${c.message}`), []);
    const fb = fs.readFileSync(path.join(out, r.name, "feedback.html"), "utf8");
    assert.match(fb, /TODO/);
    assert.match(fb, /is yours and recorded .*: only the course's check cells count/);
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 2 + A1_MUTANTS.length + 1);
    assert.ok(csv.some((l) => l.startsWith(`${r.name},0,${r.maxScore},graded,`)), csv.join("\n"));
  });

  describe("mutation test: each planted defect loses every point of the checks that cover it, and nothing else", () => {
    for (const m of A1_MUTANTS)
      it(`${m.name} (${m.defect}): loses ${m.loses.join(", ")}${m.affects?.length ? `; may change ${m.affects.join(", ")}` : ""}`, () => {
        const r = by[m.name];
        assert.equal(r.error, undefined);
        // its notebooks and the hidden tests ran without a failing cell: the defect shows in values only
        for (const u of r.units.filter((u) => u.kind === "hidden" || m.notebooks.includes(u.name)))
          assert.ok(!u.problem && u.cells.every((c) => c.status === "ok"), `${u.name}: ${u.problem ?? JSON.stringify(u.cells.filter((c) => c.status !== "ok"))}`);
        const graded = r.checks.filter((c) => c.max > 0 && (c.hidden || m.notebooks.includes(c.notebook)));
        for (const id of [...m.loses, ...(m.affects ?? [])]) assert.ok(graded.some((c) => c.id === id), `${id} is not a graded check of ${m.notebooks.join(", ")} or the hidden tests`);
        const lost = graded.filter((c) => c.score < c.max && !m.affects?.includes(c.id));
        assert.deepEqual(lost.map((c) => c.id).sort(), [...m.loses].sort(), lost.map((c) => `${c.id} ${c.score}/${c.max}: ${c.message}`).join("\n"));
        for (const c of lost) assert.equal(c.score, 0, `${c.id} kept ${c.score} of ${c.max} points: ${c.message}`);
      });

    it("trivial implementations (zero, constant, identity) score 0 on every hidden test", async () => {
      const t0 = Date.now();
      const scores = await trivialHiddenScores(assignment("assignment1", cc.course), cc.tmp);
      console.log(`      ${TRIVIAL.length} trivial libs through the hidden tests in one kernel: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      for (const kind of TRIVIAL) {
        assert.ok(scores[kind].recorded >= 20, `${kind}: only ${scores[kind].recorded} values recorded`);
        assert.deepEqual(scores[kind].scored, [], kind);
      }
    });
  });
});

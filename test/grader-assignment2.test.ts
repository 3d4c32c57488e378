/**
 * Grades assignment 2 end to end in quick mode (CS231N_QUICK=1, the committed references.quick.json)
 * in a copy of the course, three submissions in one batch with --jobs 2:
 *   solution — the solution lib and notebooks: 100%;
 *   release  — the untouched student release (assignment 2's and assignment 1's regions stubbed): 0,
 *              every graded check failing with a TODO message, no crash;
 *   partial  — the solution except the update rules (lib/optim.ts as released: sgdMomentum, rmsprop,
 *              adam and assignment 1's sgd stubbed) and without HighLevelAPI.ipynb: exactly the points
 *              of every check that does not train or test an update rule, none of the missing notebook's. (Its training cells fail at once, which keeps the test
 *              short: the release, whose many failing cells take longest, runs beside the solution,
 *              then the partial.)
 * Then trivial implementations (zero, constant, identity; test/helpers/trivial.ts) of assignment 2's
 * and assignment 1's student functions run through the hidden tests in one kernel and must score 0.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch, loadReferences, SubmissionResult } from "../grader/grade";
import { makeRelease } from "../grader/release";
import { repoCourse, writeSolvedLib } from "./helpers/graderCourse";
import { TRIVIAL, trivialHiddenScores } from "./helpers/trivial";

describe("grader: assignment 2 solution / release / partial (quick mode, --jobs 2)", function () {
  this.timeout(1800000);
  let cc: ReturnType<typeof repoCourse>;
  const by: Record<string, SubmissionResult> = {};
  let out = "";
  let releaseDir = "";
  /** Checks that need an update rule: the rules' own checks and everything a Solver trains. */
  const MISSING = "HighLevelAPI.ipynb";
  const needsOptim = (id: string): boolean =>
    /\/(sgd_momentum_|rmsprop_|adam_|overfit_|(sgd|sgdMomentum|rmsprop|adam)_train_accuracy|best_val_accuracy|test_accuracy|deep_|ws_|bsize_|reg_)/.test(id) ||
    /^ConvolutionalNetworks\/(train|val)_accuracy$/.test(id);

  before(async () => {
    cc = repoCourse("a2", "assignment2");
    const a = assignment("assignment2", cc.course);
    const subs = path.join(cc.tmp, "subs");
    const sol = path.join(subs, "solution");
    writeSolvedLib(a, sol);
    fs.cpSync(a.notebooksDir, path.join(sol, "notebooks", "assignment2"), { recursive: true, filter: (f) => !f.endsWith(".json") });
    const rel = makeRelease(a, { outRoot: path.join(cc.tmp, "release") });
    releaseDir = rel.dir;
    const part = path.join(subs, "partial");
    fs.cpSync(sol, part, { recursive: true });
    fs.copyFileSync(path.join(rel.dir, "lib/optim.ts"), path.join(part, "lib/optim.ts"));
    // and without the high-level notebook (the longest quick run, which needs no update rule): a missing
    // notebook costs exactly its own checks
    fs.rmSync(path.join(part, "notebooks", "assignment2", MISSING));
    out = path.join(cc.tmp, "out");
    const t0 = Date.now();
    const rs = await gradeBatch(a, [sol, rel.dir, part], { out, jobs: 2, quick: true, log: () => undefined });
    console.log(`      3 submissions graded in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${rs.map((r) => `${r.name} ${r.score}/${r.maxScore} (${r.seconds.toFixed(0)} s)`).join(", ")}`);
    [by.solution, by.release, by.partial] = rs;
  });
  after(() => cc?.cleanup());

  it("the solution grades 100%", () => {
    const r = by.solution;
    assert.deepEqual(r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`), []);
    assert.equal(r.score, r.maxScore);
    assert.ok(r.maxScore >= 150, `max score ${r.maxScore}`);
    for (const u of r.units) assert.ok(!u.problem && u.cells.every((c) => c.status === "ok"), `${u.name}: ${u.problem ?? JSON.stringify(u.cells.filter((c) => c.status !== "ok"))}`);
    assert.ok(r.units.some((u) => u.kind === "hidden") && r.units.filter((u) => u.kind === "notebook").length === 5);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, "solution", "results.json"), "utf8")).score, r.maxScore);
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
    assert.ok(graded.length > 100);
    assert.deepEqual(graded.filter((c) => !/TODO/.test(c.message)).map((c) => `${c.id}: ${c.message}`), []);
    // the high-level notebook: its unfinished parts fail with the release's TODO errors (a cell that only
    // defines a stubbed function fails where the function is called); its given parts still run
    const hl = r.units.find((u) => u.name === "HighLevelAPI.ipynb")!;
    const todoFailures = hl.cells.filter((c) => c.status === "error" && /TODO/.test(c.error?.message ?? ""));
    assert.ok(todoFailures.length >= 5, `${todoFailures.length} cells failed with a TODO error`);
    for (const id of ["train_shape", "flatten", "two_layer_fc_shape", "barebones_two_layer_val_accuracy", "sequential_two_layer_val_accuracy"])
      assert.ok(hl.checks.some((c) => c.id === `HighLevelAPI/${id}`), `the given cell's check ${id} is missing in the release run`);
    // assignment 1's code is stubbed too, saying where it comes from
    assert.match(fs.readFileSync(path.join(releaseDir, "lib", "layers", "affine.ts"), "utf8"), /TODO \(from assignment 1\): implement affineForward/);
  });

  it("a partial submission (all but the update rules, one notebook missing) gets exactly its partial credit", () => {
    const r = by.partial;
    const ref = loadReferences(assignment("assignment2", cc.course), true);
    const missing = (id: string): boolean => ref.checks[id].notebook === MISSING;
    const expected = Object.entries(ref.checks).filter(([id]) => !needsOptim(id) && !missing(id)).reduce((s, [, c]) => s + c.points, 0);
    assert.ok(expected > 100 && expected < r.maxScore - 40, `${expected} of ${r.maxScore}`);
    for (const c of r.checks) {
      if (missing(c.id)) assert.ok(c.score === 0 && c.message.includes(MISSING), `${c.id}: ${c.score} ${c.message}`);
      else if (needsOptim(c.id)) assert.ok(c.score === 0 && /TODO/.test(c.message), `${c.id}: ${c.score} ${c.message}`);
      else assert.equal(c.score, c.max, `${c.id}: ${c.message}`);
    }
    assert.equal(r.score, Math.round(expected * 100) / 100);
  });

  it("trivial implementations (zero, constant, identity) of every student function score 0 on every hidden test", async () => {
    const t0 = Date.now();
    const scores = await trivialHiddenScores(assignment("assignment2", cc.course), cc.tmp);
    console.log(`      ${TRIVIAL.length} trivial libs through the hidden tests in one kernel: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    for (const kind of TRIVIAL) {
      assert.ok(scores[kind].recorded >= 30, `${kind}: only ${scores[kind].recorded} values recorded`);
      // the wrappers trivialize functions and methods, not constructors: the checks of
      // FullyConnectedNet's and ThreeLayerConvNet's initialization test the (untouched) constructors and may score
      assert.deepEqual(scores[kind].scored.filter((c) => !/^hidden\/(fcnet|cnn)_(param_shapes|init_ok) /.test(c)), [], kind);
    }
  });
});

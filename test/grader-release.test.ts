import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../grader/course";
import { stripMarkdownSolutions, stripTsSolutions } from "../grader/markers";
import { makeReferences, refreshRules } from "../grader/references";
import { makeRelease } from "../grader/release";
import { compare, effectiveRule, validateRules } from "../grader/rules";
import { runNotebook } from "./helpers/notebook";
import { fixtureCourse } from "./helpers/graderCourse";

describe("grader: markers and rules", () => {
  it("replaces solution regions with a TODO throw (hint from the BEGIN line or the function name)", () => {
    const src = "export function f(x: number): number {\n  // BEGIN SOLUTION (square it)\n  return x * x;\n  // END SOLUTION\n}\nexport function g(): number {\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n}\n";
    const r = stripTsSolutions(src);
    assert.equal(r.regions, 2);
    assert.match(r.text, /^  throw new Error\("TODO: square it"\);$/m);
    assert.match(r.text, /^    throw new Error\("TODO: implement g"\);$/m);
    assert.ok(!r.text.includes("x * x"));
    assert.throws(() => stripTsSolutions("// BEGIN SOLUTION\nx"), /without END/);
    assert.equal(stripMarkdownSolutions("Q?\n<!-- BEGIN SOLUTION -->\nsecret\n<!-- END SOLUTION -->").text, "Q?\n*Your answer:*");
  });
  it("compares with exact / abs / rel / <= / >= rules and explains failures", () => {
    assert.equal(compare({ rule: "<=", threshold: 1e-7, points: 1 }, { value: null }, { value: 3.2e-2 }).message, "expected ≤ 1.00e-7, got 0.032");
    assert.equal(compare({ rule: ">=", threshold: 0.5, partialFrom: 0.25, points: 2 }, { value: null }, { value: 0.375 }).score, 1);
    assert.ok(compare({ rule: "rel", tol: 1e-6, points: 1 }, { value: [1, 2], shape: [2] }, { value: [1, 2.0000001], shape: [2] }).passed);
    const p = compare({ rule: "abs", tol: 1e-3, points: 2, partial: true }, { value: [1, 2], shape: [2] }, { value: [1, 3], shape: [2] });
    assert.equal(p.score, 1);
    assert.match(p.message, /1 of 2 values differ/);
    assert.equal(compare({ rule: "exact", points: 1 }, { value: "NaN" }, { value: "NaN" }).passed, true);
    assert.match(compare({ rule: "exact", points: 1 }, { value: 1 }, undefined, "cell 3 failed").message, /cell 3 failed/);
    // hidden checks: what went wrong, never the expected values
    const h = { hideExpected: true };
    assert.equal(compare({ rule: "abs", tol: 1e-3, points: 1 }, { value: 0.123456 }, { value: 0.5 }, undefined, h).message, "off by 0.376544 (relative 3.05003); it must match within absolute tolerance 0.001");
    const ha = compare({ rule: "rel", tol: 1e-6, points: 2, partial: true }, { value: [0.987654, 2.5], shape: [2] }, { value: [0.987654, 3.5], shape: [2] }, undefined, h);
    assert.equal(ha.message, "1 of 2 values differ beyond rel tolerance 1.00e-6 (first at flat index 1; max rel error 0.4)");
    assert.equal(ha.score, 1);
    assert.ok(!compare({ rule: "exact", points: 1 }, { value: [7, 8], shape: [2] }, { value: [7, 8], shape: [2] }, undefined, h).message.includes("7"));
    assert.equal(compare({ rule: "rel", tol: 1e-6, points: 1 }, { value: [1, 2], shape: [2] }, { value: [1, 2, 3], shape: [3] }, undefined, h).message, "expected shape (2), got shape (3)");
    // quick-mode overrides
    const spec = { rule: ">=" as const, threshold: 0.5, partialFrom: 0.3, points: 3, quick: { threshold: 0.2 } };
    assert.deepEqual(effectiveRule(spec, true), { rule: ">=", threshold: 0.2, partialFrom: 0.3, points: 3 });
    assert.deepEqual(effectiveRule(spec, false), { rule: ">=", threshold: 0.5, partialFrom: 0.3, points: 3 });
    assert.deepEqual(validateRules({ a: { rule: "abs", points: 1, tol: 1 }, b: { rule: "abs", points: 1, tol: 1, quick: { tol: "x", rule: "exact" } }, c: { rule: "<=", points: 1, quick: { threshold: 1 } } }), [
      'b: "quick" must be an object of overrides (threshold, partialFrom, tol, points), not a new rule',
      "c: threshold missing",
    ]);
  });
});

describe("grader: references and release on the fixture assignment", function () {
  this.timeout(300000);
  let fx: ReturnType<typeof fixtureCourse>;
  before(() => (fx = fixtureCourse("release")));
  after(() => fx?.cleanup());

  it("references: generated values match the committed fixture references; id/rule mismatches are errors", async () => {
    const a = assignment("fx1", fx.course);
    const ref = await makeReferences(a, { log: () => undefined });
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures/course/notebooks/fx1/references.json"), "utf8"));
    assert.deepEqual(Object.keys(ref.checks).sort(), Object.keys(committed.checks).sort());
    for (const id of Object.keys(ref.checks)) assert.deepEqual(ref.checks[id].value, committed.checks[id].value, id);
    // each notebook check names the grader-owned cell that records it (only that cell's value counts)
    for (const [id, c] of Object.entries(ref.checks)) {
      assert.equal(c.cellId, committed.checks[id].cellId, id);
      assert.equal(c.cellId === undefined, c.notebook.startsWith("hidden/"), id);
    }
    assert.equal(ref.checks["basics/accuracy"].cellId, "7c1e0a52");
    const rules = JSON.parse(fs.readFileSync(a.gradingFile, "utf8"));
    // --rules-only: new points/thresholds reach the references without a re-run; values stay
    rules["basics/accuracy"] = { ...rules["basics/accuracy"], points: 5, quick: { threshold: 0.1 } };
    fs.writeFileSync(a.gradingFile, JSON.stringify(rules));
    const upd = refreshRules(a, { log: () => undefined });
    assert.equal(upd.checks["basics/accuracy"].points, 5);
    assert.equal((upd.checks["basics/accuracy"].rule as { threshold: number }).threshold, 0.5, "full mode ignores quick overrides");
    assert.deepEqual(upd.checks["basics/affine"].value, committed.checks["basics/affine"].value);
    assert.throws(() => refreshRules(a, { quick: true }), /no references to update .*--quick/);
    rules["basics/never_emitted"] = { rule: "exact", points: 1 };
    delete rules["second/scaled"];
    fs.writeFileSync(a.gradingFile, JSON.stringify(rules));
    await assert.rejects(makeReferences(a, { log: () => undefined }), /checks without a rule in grading.json: second\/scaled[\s\S]*rules without a check.*basics\/never_emitted/);
    assert.throws(() => refreshRules(a, { log: () => undefined }), /check ids changed \(no rule: second\/scaled, no reference value: basics\/never_emitted\)/);
    // a check() in a cell with a solution region can't be owned by the grader: an error that says how to fix it
    const nbFile = path.join(a.notebooksDir, "basics.ipynb");
    const nb = JSON.parse(fs.readFileSync(nbFile, "utf8"));
    nb.cells[5].source = nb.cells[5].source.join("") + '\ncheck("basics/mixed", 1);';
    fs.writeFileSync(nbFile, JSON.stringify(nb));
    await assert.rejects(makeReferences(a, { log: () => undefined }), /check basics\/mixed comes from cell 5 \(id 5600f4d7\), which holds a solution region: move the check\(\) call into a cell of its own/);
  });

  it("release: stripped lib type-checks, no solutions/hidden/references, notebooks run headless with TODO errors", async () => {
    const a = assignment("fx1", fx.course);
    const r = makeRelease(a, { outRoot: path.join(fx.tmp, "release") });
    assert.ok(fs.existsSync(r.zip));
    assert.equal(r.regions, 4);
    const tiny = fs.readFileSync(path.join(r.dir, "lib/tiny.ts"), "utf8");
    assert.match(tiny, /throw new Error\("TODO: compute x·W \+ b"\)/);
    assert.match(tiny, /throw new Error\("TODO: implement sumSquares"\)/);
    for (const f of ["README.md", "package.json", "tsconfig.json", "notebooks/fx1/basics.ipynb"]) assert.ok(fs.existsSync(path.join(r.dir, f)), f);
    for (const f of ["notebooks/fx1/references.json", "notebooks/fx1/grading.json", "grader"]) assert.ok(!fs.existsSync(path.join(r.dir, f)), f);
    const nbText = fs.readFileSync(path.join(r.dir, "notebooks/fx1/basics.ipynb"), "utf8");
    assert.ok(!nbText.includes("Because the solution says so") && nbText.includes("*Your answer:*") && !nbText.includes("accuracy = 0.75"));
    const pkg = JSON.parse(fs.readFileSync(path.join(r.dir, "package.json"), "utf8"));
    assert.ok(!pkg.scripts.grade && !pkg.devDependencies?.mocha);
    // run the released notebook headless in the release dir
    fs.symlinkSync(path.join(fx.course, "node_modules"), path.join(r.dir, "node_modules"));
    const run = await runNotebook(path.join(r.dir, "notebooks/fx1/basics.ipynb"), { root: r.dir });
    assert.deepEqual(run.cells.map((c) => c.status), ["ok", "error", "error", "ok", "ok"]);
    assert.match(run.cells[1].error!.message, /TODO: compute x·W \+ b/);
    assert.equal(run.checksById["basics/accuracy"].value, 0);
  });
});

/**
 * Assignment ownership of lib regions (SPEC 5, "One lib, several assignments"), grader/ownership.ts:
 * marker semantics on small sources, then the real lib released for assignment 1 (no assignment-2
 * file, block or stub) and for assignment 2 (its regions stubbed, assignment 1's stubbed with a TODO
 * saying "from assignment 1"), both type-checked, in a course copy holding both assignments.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment } from "../grader/course";
import { assignmentLabel, assignmentOrder, fileOwner, releaseLibFile } from "../grader/ownership";
import { makeRelease } from "../grader/release";
import { REPO_ROOT } from "../grader/runNotebook";

const order = ["assignment1", "assignment2"];

describe("grader: assignment ownership of lib code", () => {
  const src = [
    "/** doc */",
    "export function a(): number {",
    "  // BEGIN SOLUTION",
    "  return 1;",
    "  // END SOLUTION",
    "}",
    "export const rules = {",
    "  a,",
    "  // BEGIN ASSIGNMENT assignment2",
    "  b,",
    "  // END ASSIGNMENT",
    "};",
    "// BEGIN ASSIGNMENT assignment2",
    "export function b(): number {",
    "  // BEGIN SOLUTION (return two)",
    "  return 2;",
    "  // END SOLUTION",
    "}",
    "// END ASSIGNMENT",
  ].join("\n");

  it("assignment 1 leaves out assignment 2's blocks (code and stubs); assignment 2 stubs both, naming assignment 1", () => {
    const r1 = releaseLibFile(src, "assignment1", order, "x.ts")!;
    assert.equal(r1.regions, 1);
    assert.ok(!/\bb\b/.test(r1.text.replace("/** doc */", "")), r1.text);
    assert.ok(!r1.text.includes("ASSIGNMENT"));
    assert.match(r1.text, /throw new Error\("TODO: implement a"\)/);
    const r2 = releaseLibFile(src, "assignment2", order, "x.ts")!;
    assert.equal(r2.regions, 2);
    assert.match(r2.text, /throw new Error\("TODO \(from assignment 1\): implement a"\)/);
    assert.match(r2.text, /throw new Error\("TODO: return two"\)/);
    assert.match(r2.text, /^  b,$/m);
    assert.ok(!r2.text.includes("ASSIGNMENT") && !r2.text.includes("return 2"));
  });

  it("a file owned by a later assignment is not shipped; names and markers are validated", () => {
    const later = "// ASSIGNMENT assignment2\n/** conv */\nexport const c = 1;\n";
    assert.equal(fileOwner(later, order), "assignment2");
    assert.equal(fileOwner("/** x */\nexport const y = 1;\n", order), "assignment1");
    assert.equal(releaseLibFile(later, "assignment1", order), null);
    assert.equal(releaseLibFile(later, "assignment2", order)!.text, "/** conv */\nexport const c = 1;\n");
    // a copy of the course holding only assignment 1 still knows assignment 2 comes later
    assert.equal(releaseLibFile(later, "assignment1", ["assignment1"]), null);
    assert.equal(releaseLibFile(src, "assignment1", ["assignment1"])!.regions, 1);
    assert.throws(() => releaseLibFile("// BEGIN ASSIGNMENT homework2\nx\n// END ASSIGNMENT", "assignment1", order, "y.ts"), /y.ts:1: unknown assignment "homework2"/);
    assert.throws(() => releaseLibFile("// BEGIN ASSIGNMENT assignment2\nx\n", "assignment1", order, "y.ts"), /y.ts:1: BEGIN ASSIGNMENT without END/);
    assert.throws(() => releaseLibFile("x\n// END ASSIGNMENT\n", "assignment1", order, "y.ts"), /y.ts:2: END ASSIGNMENT without BEGIN/);
    assert.throws(() => releaseLibFile("// BEGIN ASSIGNMENT assignment2\n// BEGIN ASSIGNMENT assignment2\n", "assignment2", order, "y.ts"), /y.ts:2: nested BEGIN ASSIGNMENT/);
    assert.throws(() => releaseLibFile("const a = 1;\n// ASSIGNMENT assignment2\n", "assignment2", order, "y.ts"), /y.ts:2: "\/\/ ASSIGNMENT" must be in the file's leading comment/);
    assert.throws(() => releaseLibFile("// BEGIN SOLUTION\n// BEGIN ASSIGNMENT assignment2\n// END ASSIGNMENT\n// END SOLUTION\n", "assignment2", order, "y.ts"), /y.ts:2: an ownership marker inside a solution region/);
    assert.throws(() => releaseLibFile("// ASSIGNMENT assignment2\n// BEGIN ASSIGNMENT assignment1\nx\n// END ASSIGNMENT\n", "assignment2", order, "y.ts"), /a block of assignment1 in a file of the later assignment2/);
    assert.equal(assignmentLabel("assignment1"), "assignment 1");
  });

  it("the course's assignments come from lib/index.ts's declaration, so a copy with one assignment's notebooks knows the others", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-order-"));
    try {
      fs.mkdirSync(path.join(tmp, "lib"));
      fs.mkdirSync(path.join(tmp, "notebooks", "assignment2"), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, "test", "fixtures", "nb", "basic.ipynb"), path.join(tmp, "notebooks", "assignment2", "basic.ipynb"));
      assert.deepEqual(assignmentOrder(tmp), ["assignment2"]);
      fs.copyFileSync(path.join(REPO_ROOT, "lib", "index.ts"), path.join(tmp, "lib", "index.ts"));
      assert.deepEqual(assignmentOrder(tmp), ["assignment1", "assignment2"]);
      // the declaration itself is not shipped
      assert.ok(!releaseLibFile(fs.readFileSync(path.join(tmp, "lib", "index.ts"), "utf8"), "assignment2", assignmentOrder(tmp))!.text.includes("ASSIGNMENTS"));
      fs.writeFileSync(path.join(tmp, "lib", "index.ts"), "// ASSIGNMENTS assignment1, then assignment2\n");
      assert.throws(() => assignmentOrder(tmp), /lists names like assignment1 assignment2/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe("the real lib, released for assignment 1 and for assignment 2", function () {
    this.timeout(300000);
    const tmp = path.join(REPO_ROOT, ".tmp-ownership-test", String(process.pid));
    const course = path.join(tmp, "course");
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).sort();
    const read = (dir: string): string => files(path.join(dir, "lib")).map((f) => fs.readFileSync(path.join(dir, "lib", f), "utf8")).join("\n");
    let rel1 = "";
    let rel2 = "";
    before(() => {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.cpSync(path.join(REPO_ROOT, "lib"), path.join(course, "lib"), { recursive: true });
      for (const a of order) {
        // each assignment folder needs one notebook; the real ones are not needed to release the lib
        fs.mkdirSync(path.join(course, "notebooks", a), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, "test", "fixtures", "nb", "basic.ipynb"), path.join(course, "notebooks", a, "basic.ipynb"));
      }
      for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(course, f));
      assert.deepEqual(assignmentOrder(course), order);
      rel1 = makeRelease(assignment("assignment1", course), { outRoot: path.join(tmp, "release") }).dir; // type-checks
      rel2 = makeRelease(assignment("assignment2", course), { outRoot: path.join(tmp, "release") }).dir;
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("assignment 1 ships no assignment-2 file, function or stub", () => {
      const all = files(path.join(REPO_ROOT, "lib"));
      const a2only = all.filter((f) => fileOwner(fs.readFileSync(path.join(REPO_ROOT, "lib", f), "utf8"), order) === "assignment2");
      const shipped = files(path.join(rel1, "lib"));
      assert.deepEqual(shipped, all.filter((f) => !a2only.includes(f)));
      const text = read(rel1);
      for (const name of ["sgdMomentum", "rmsprop", "adam", "batchnorm", "layernorm", "dropout", "FullyConnectedNet", "affineNormRelu", "gradCheckModel", "ASSIGNMENT", "from assignment"])
        assert.ok(!text.toLowerCase().includes(name.toLowerCase()), `assignment 1 release mentions ${name}`);
      assert.match(text, /throw new Error\("TODO: implement affineForward"\)/);
      assert.match(text, /throw new Error\("TODO: implement sgd"\)/);
    });

    it("assignment 2 ships every lib file, stubs its own regions and assignment 1's (from assignment 1)", () => {
      assert.deepEqual(files(path.join(rel2, "lib")), files(path.join(REPO_ROOT, "lib")));
      const text = read(rel2);
      assert.ok(!text.includes("ASSIGNMENT"));
      for (const f of ["affineForward", "affineBackward", "reluForward", "softmaxLoss", "sgd", "affineReluForward", "svmLossVectorized"])
        assert.match(text, new RegExp(`throw new Error\\("TODO \\(from assignment 1\\): implement ${f}"\\)`), f);
      for (const f of ["sgdMomentum", "rmsprop", "adam", "batchnormBackward", "batchnormBackwardAlt", "layernormForward", "layernormBackward", "dropoutBackward", "affineNormReluForward", "affineNormReluBackward"])
        assert.match(text, new RegExp(`throw new Error\\("TODO: implement ${f}"\\)`), f);
      for (const hint of ["training mode: normalize with the batch mean", "test mode: normalize with the running mean", "training mode: a random keep mask", "initialize W_i", "forward pass through the layers"])
        assert.match(text, new RegExp(`throw new Error\\("TODO: ${hint}`), hint);
      // every stub is either assignment 2's own or says it comes from assignment 1
      const stubs = text.match(/throw new Error\("TODO[^"]*"\)/g) ?? [];
      assert.ok(stubs.length >= 30 && stubs.every((t) => /^throw new Error\("TODO(: | \(from assignment 1\): )/.test(t)), stubs.join("\n"));
    });
  });
});

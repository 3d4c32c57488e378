/**
 * Grader-owned cells and provided files (grader/graderOwned.ts, grader/pipeline/restore.ts):
 *   - every assignment's solution notebooks keep every check() call in a grader-owned cell, with
 *     stable unique cell ids (assignment 2's notebooks must pass this too as they arrive);
 *   - the release marks those cells read-only and keeps every id;
 *   - the restore stage rebuilds a submitted notebook from the release: edited, deleted and moved
 *     grader-owned cells come back with a message, the student's cells stay, added cells keep their
 *     place; the result is a valid notebook;
 *   - provided lib files come from the release; a missing student file gets its stub;
 *   - compare counts a notebook check only from a grader-owned cell (the one the references name).
 * Small fixtures only: no kernel.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment, notebookNames } from "../grader/course";
import { cellSource, checkPlacementProblems, hasSolutionRegion, isMarkedGraderOwned, releasedLib, releasedNotebook } from "../grader/graderOwned";
import { Notebook } from "../grader/markers";
import { REPO_ROOT } from "../grader/paths";
import { compareChecks } from "../grader/pipeline/compare";
import { rebuildNotebook, restoreLib } from "../grader/pipeline/restore";
import { RunUnit } from "../grader/pipeline/run";
import { callPython } from "../grader/python";
import { ReferencesFile } from "../grader/references";

type Cell = Notebook["cells"][number];
const read = (f: string): Notebook => JSON.parse(fs.readFileSync(f, "utf8")) as Notebook;
const FX = path.join(REPO_ROOT, "test", "fixtures", "course");

/** The course's assignments: folders of notebooks/ holding notebooks. */
function assignments(root: string): string[] {
  const d = path.join(root, "notebooks");
  return fs.readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory() && fs.readdirSync(path.join(d, e.name)).some((f) => f.endsWith(".ipynb"))).map((e) => e.name);
}

describe("grader-owned cells: solution notebooks and the release", () => {
  const all = [...assignments(REPO_ROOT).map((n) => assignment(n)), assignment("fx1", FX)];

  it("every check() call of every assignment's solution notebooks sits in a grader-owned cell; cell ids are present and unique", () => {
    assert.ok(all.some((a) => a.name === "assignment1"));
    const problems = all.flatMap((a) => notebookNames(a).flatMap((n) => checkPlacementProblems(read(path.join(a.notebooksDir, n)), `${a.name}/${n}`)));
    assert.deepEqual(problems, []);
  });

  it("the placement check catches a check() next to a solution region and a missing or repeated id", () => {
    const code = (id: string | undefined, source: string): Cell => ({ cell_type: "code", id, metadata: {}, outputs: [], execution_count: null, source });
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [code("a", "let x = 0;\n// BEGIN SOLUTION\nx = 1;\n// END SOLUTION\ncheck(\"n/x\", x);"), code("a", "check(\"n/y\", 1);"), code(undefined, "1")],
    };
    const p = checkPlacementProblems(nb, "n.ipynb");
    assert.equal(p.length, 3, p.join("\n"));
    assert.match(p[0], /cell 0 \(id a\) calls check\(\) and holds a solution region/);
    assert.match(p[1], /repeats the id a/);
    assert.match(p[2], /cell 2 has no id/);
  });

  it("the release marks exactly the code cells without a solution region read-only and keeps every cell id", () => {
    for (const a of all)
      for (const n of notebookNames(a)) {
        const sol = read(path.join(a.notebooksDir, n));
        const rel = releasedNotebook(a, n).nb;
        assert.deepEqual(rel.cells.map((c) => c.id), sol.cells.map((c) => c.id), `${a.name}/${n}: ids`);
        rel.cells.forEach((c, i) => {
          const owned = sol.cells[i].cell_type === "code" && !hasSolutionRegion(sol.cells[i]);
          const m = c.metadata as Record<string, unknown>;
          assert.equal(isMarkedGraderOwned(c), owned, `${a.name}/${n} cell ${i}`);
          if (owned) {
            assert.deepEqual([m.editable, m.deletable, m.cs231n], [false, false, { grader_owned: true }], `${a.name}/${n} cell ${i}`);
            assert.equal(cellSource(c), cellSource(sol.cells[i]), "a grader-owned cell is released as written");
          } else assert.ok(m.editable === undefined && m.deletable === undefined && m.cs231n === undefined, `${a.name}/${n} cell ${i}`);
        });
      }
  });
});

describe("restore stage: a submitted notebook rebuilt from the release", () => {
  const a = assignment("fx1", FX);
  const release = releasedNotebook(a, "basics.ipynb").nb;
  // code cells of the fixture's release: 1d625472 import, dea0c22b affine check, 1db7408f sum check,
  // 5600f4d7 the student's accuracy cell, 7c1e0a52 the accuracy check
  const ids = (nb: Notebook): string[] => nb.cells.map((c) => String(c.id));
  const byId = (nb: Notebook, id: string): Cell => nb.cells.find((c) => c.id === id)!;
  const student = (source: string, id?: string): Cell => ({ cell_type: "code", ...(id ? { id } : {}), metadata: {}, outputs: [], execution_count: 3, source });
  const copy = (): Notebook => JSON.parse(JSON.stringify(release));

  it("an untouched release comes back unchanged, its grader-owned cells graded", () => {
    const r = rebuildNotebook(release, copy());
    assert.deepEqual(ids(r.nb), ids(release));
    assert.deepEqual(r.notes, []);
    assert.deepEqual(Object.values(r.gradedCells), ["1d625472", "dea0c22b", "1db7408f", "7c1e0a52"]);
    for (const [i, id] of Object.entries(r.gradedCells)) assert.equal(r.nb.cells[Number(i)].id, id);
  });

  it("edited, deleted and moved grader-owned cells are restored with a message; the student's cells stay as written", () => {
    const s = copy();
    byId(s, "dea0c22b").source = 'check("basics/affine", [[1.5, 2, 3], [3.5, 4, 7]]);'; // forged
    byId(s, "5600f4d7").source = "let accuracy = 0.6;";
    s.cells = s.cells.filter((c) => c.id !== "1db7408f"); // deleted
    const check = s.cells.findIndex((c) => c.id === "7c1e0a52");
    const [moved] = s.cells.splice(check, 1);
    s.cells.splice(1, 0, moved); // the accuracy check moved to the top
    s.cells.push(student('check("basics/accuracy", 1);', "mine01")); // the student's own check
    const r = rebuildNotebook(release, s);
    const want = ids(release);
    want.splice(want.indexOf("5600f4d7") + 1, 0, "mine01"); // after the cell it followed
    assert.deepEqual(ids(r.nb), want);
    assert.equal(cellSource(byId(r.nb, "dea0c22b")), cellSource(byId(release, "dea0c22b")));
    assert.equal(cellSource(byId(r.nb, "1db7408f")), cellSource(byId(release, "1db7408f")));
    assert.equal(cellSource(byId(r.nb, "5600f4d7")), "let accuracy = 0.6;");
    assert.deepEqual(r.notes, [
      'code cell 2 ("import { check, affine } from "./lib/index";") is the course\'s and had been edited: the course\'s version ran instead (changes to the course\'s cells are not graded)',
      'code cell 3 ("import { check, sumSquares } from "./lib/index";") is the course\'s and was missing: it was put back',
      'code cell 6 ("import { check } from "./lib/index";") is the course\'s and had been moved: it ran at its place',
    ]);
    assert.ok(!Object.values(r.gradedCells).includes("mine01"));
  });

  it("cells the student added keep their place after the cell they follow; repeated or missing ids get fresh ones", () => {
    const s = copy();
    const at = s.cells.findIndex((c) => c.id === "dea0c22b");
    s.cells.splice(at + 1, 0, student("const helper = 1;", "h1"), student("const again = 2;", "dea0c22b"));
    s.cells.unshift(student("console.log('first');"));
    const r = rebuildNotebook(release, s);
    const out = ids(r.nb);
    assert.equal(out[0], "student-1");
    assert.deepEqual(out.slice(out.indexOf("dea0c22b") + 1, out.indexOf("dea0c22b") + 3), ["h1", "student-2"]);
    assert.equal(new Set(out).size, out.length);
    assert.equal(cellSource(r.nb.cells[out.indexOf("student-2")]), "const again = 2;", "a copy of a grader-owned cell's id runs as the student's cell");
    assert.equal(cellSource(byId(r.nb, "dea0c22b")), cellSource(byId(release, "dea0c22b")));
    assert.deepEqual(r.notes, ["1 of its cells have no cell id (saved by an old Jupyter?): they were matched to the course's cells by their text"]);
  });

  it("a student cell moved elsewhere returns to its place with the cells added after it; notebooks without ids are matched by text", () => {
    const s = copy();
    const i = s.cells.findIndex((c) => c.id === "5600f4d7");
    const [mine] = s.cells.splice(i, 1);
    s.cells.splice(1, 0, mine, student("const extra = 1;", "x1"));
    const r = rebuildNotebook(release, s);
    const out = ids(r.nb);
    assert.deepEqual(out.slice(out.indexOf("5600f4d7"), out.indexOf("5600f4d7") + 3), ["5600f4d7", "x1", "7c1e0a52"]);
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0], /^code cell 4 \("let accuracy = 0;"\), your cell, had been moved: it ran at its place in the release/);
    const old = copy();
    for (const c of old.cells) delete c.id;
    old.nbformat_minor = 4;
    const r2 = rebuildNotebook(release, old);
    assert.deepEqual(ids(r2.nb), ids(release));
    assert.match(r2.notes[0], /7 of its cells have no cell id .*matched to the course's cells by their text/);
  });

  it("rebuilt notebooks are valid nbformat 4.5", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restore-"));
    try {
      const s = copy();
      s.cells.reverse();
      s.cells.push(student("1"), student("2", "5600f4d7"));
      for (const c of s.cells) if (c.id === "a0a15930") delete c.id;
      const f = path.join(dir, "basics.ipynb");
      fs.writeFileSync(f, JSON.stringify(rebuildNotebook(release, s).nb));
      const r = await callPython<{ problems: Record<string, string | null> }>("validate", { notebooks: [f] });
      assert.equal(r.problems[f], null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("provided lib files come from the release; a missing student file gets its unimplemented version; student files stay", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "restore-lib-"));
    try {
      fs.mkdirSync(path.join(root, "lib"));
      // the fixture's lib/check.ts is lib/check.ts (test/helpers/graderCourse.ts copies it); here: index.ts and tiny.ts
      fs.writeFileSync(path.join(root, "lib", "index.ts"), 'export * from "./tiny";\nexport const check = () => undefined; // forged\n');
      fs.writeFileSync(path.join(root, "lib", "mine.ts"), "export const mine = 1;\n");
      const w = restoreLib(a, root);
      const lib = releasedLib(a);
      const index = lib.find((f) => f.rel === path.join("lib", "index.ts"))!;
      assert.equal(index.regions, 0);
      assert.equal(fs.readFileSync(path.join(root, "lib", "index.ts"), "utf8"), index.text);
      assert.match(fs.readFileSync(path.join(root, "lib", "tiny.ts"), "utf8"), /throw new Error\("TODO: compute x·W \+ b"\)/);
      assert.equal(fs.readFileSync(path.join(root, "lib", "mine.ts"), "utf8"), "export const mine = 1;\n");
      assert.deepEqual(w, [
        "lib/index.ts is provided by the course and had been changed: the course's copy was used (changes to provided files are not graded)",
        "lib/tiny.ts was missing from the submission: its unimplemented release version was used",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("compare: a notebook's checks count only from its grader-owned cells", () => {
  const rule = { rule: "exact" as const, points: 1 };
  const ref: ReferencesFile = {
    assignment: "x",
    quick: false,
    generated: "",
    notebooks: ["n.ipynb"],
    hidden: [],
    checks: {
      "n/a": { value: 1, shape: null, notebook: "n.ipynb", cell: 1, cellId: "own1", rule, points: 1 },
      "n/b": { value: 2, shape: null, notebook: "n.ipynb", cell: 2, rule, points: 1 },
      "hidden/h": { value: 3, shape: null, notebook: "hidden/t", cell: 1, rule, points: 1 },
    },
  };
  const ok = (index: number, source: string) => ({ index, codeIndex: index + 1, status: "ok" as const, seconds: 0, source });
  const unit = (checks: { id: string; value: number; cell: number }[]): RunUnit => ({
    name: "n.ipynb",
    kind: "notebook",
    cells: [ok(0, "mine"), ok(1, 'check("n/a", x)'), ok(2, 'check("n/b", y)'), ok(3, "other")],
    checks,
    seconds: 0,
    gradedCells: { 1: "own1", 2: "own2", 3: "own3" },
  });
  const hidden: RunUnit = { name: "hidden/t", kind: "hidden", cells: [ok(1, "")], checks: [{ id: "hidden/h", value: 3, cell: 1 }], seconds: 0 };

  it("the values of grader-owned cells count; the same ids from the student's cell or another grader-owned cell don't", () => {
    const right = compareChecks(ref, [unit([{ id: "n/a", value: 1, cell: 1 }, { id: "n/b", value: 2, cell: 2 }]), hidden]);
    assert.deepEqual(right.map((c) => c.score), [1, 1, 1]);
    const forged = compareChecks(ref, [unit([{ id: "n/a", value: 1, cell: 0 }, { id: "n/b", value: 2, cell: 0 }, { id: "n/a", value: 1, cell: 3 }]), hidden]);
    assert.deepEqual(forged.map((c) => c.score), [0, 0, 1]);
    assert.match(forged[0].message, /no value from the course's check cell; only code cell 1, which is not the course's, recorded one/);
    // without a cellId in the references (older files) any grader-owned cell counts
    assert.deepEqual(compareChecks(ref, [unit([{ id: "n/b", value: 2, cell: 3 }]), hidden]).map((c) => c.score), [0, 1, 1]);
    // a notebook run without restore information credits nothing
    const bare = { ...unit([{ id: "n/a", value: 1, cell: 1 }]), gradedCells: undefined };
    assert.equal(compareChecks(ref, [bare, hidden])[0].score, 0);
  });
});

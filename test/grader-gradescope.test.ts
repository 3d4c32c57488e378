import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../grader/course";
import { makeGradescope } from "../grader/gradescope";
import { REPO_ROOT } from "../grader/runNotebook";
import { fixtureCourse } from "./helpers/graderCourse";

describe("grader: Gradescope bundle (simulated /autograder layout)", function () {
  this.timeout(300000);
  let fx: ReturnType<typeof fixtureCourse>;
  before(() => (fx = fixtureCourse("gradescope")));
  after(() => fx?.cleanup());

  it("run_autograder grades /autograder/submission into results/results.json", () => {
    const zip = makeGradescope(assignment("fx1", fx.course), { outRoot: path.join(fx.tmp, "gs") });
    const ag = path.join(fx.tmp, "autograder");
    fs.mkdirSync(path.join(ag, "source"), { recursive: true });
    execFileSync("unzip", ["-q", zip, "-d", path.join(ag, "source")]);
    for (const f of ["setup.sh", "run_autograder", "course/lib/tiny.ts", "course/notebooks/fx1/references.json", "course/grader/hidden/fx1/lib.ts"])
      assert.ok(fs.existsSync(path.join(ag, "source", f)), f);
    // what setup.sh's npm install would produce
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(ag, "source", "course", "node_modules"));
    // a student's submission: the solution lib and notebooks
    fs.mkdirSync(path.join(ag, "submission"));
    fs.cpSync(path.join(fx.course, "lib"), path.join(ag, "submission", "lib"), { recursive: true });
    for (const n of ["basics.ipynb", "second.ipynb"]) fs.copyFileSync(path.join(fx.course, "notebooks/fx1", n), path.join(ag, "submission", n));
    execFileSync("bash", [path.join(ag, "source", "run_autograder")], {
      env: { ...process.env, AUTOGRADER_ROOT: ag, CS231N_GRADER_ROOT: REPO_ROOT },
      stdio: "pipe",
    });
    const res = JSON.parse(fs.readFileSync(path.join(ag, "results", "results.json"), "utf8"));
    assert.equal(res.score, 9, JSON.stringify(res.tests.filter((t: { score: number; max_score: number }) => t.score < t.max_score)));
    assert.ok(res.tests.length >= 6);
    assert.ok(fs.existsSync(path.join(ag, "results", "feedback.html")));
  });
});

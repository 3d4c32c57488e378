/**
 * The Gradescope bundle in Gradescope's own layout: the zip unpacked into /autograder/source, the
 * script COPIED to /autograder/run_autograder and run from /autograder, the student's files in
 * /autograder/submission, results in /autograder/results (AUTOGRADER_ROOT stands for /autograder).
 * The bundle's own grader code runs (the fixture course carries a copy of grader/, as the real
 * course does); only setup.sh's `npm install` is stood in for by links to this checkout's
 * node_modules and .venv.
 */
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../grader/course";
import { makeGradescope } from "../grader/gradescope";
import { PYTHON, REPO_ROOT } from "../grader/paths";
import { fixtureCourse } from "./helpers/graderCourse";

describe("grader: Gradescope bundle in Gradescope's layout", function () {
  this.timeout(300000);
  let fx: ReturnType<typeof fixtureCourse>;
  let ag = "";
  let zip = "";
  before(() => {
    fx = fixtureCourse("gradescope", { withGrader: true });
    zip = makeGradescope(assignment("fx1", fx.course), { outRoot: path.join(fx.tmp, "gs") });
    ag = path.join(fx.tmp, "autograder");
    fs.mkdirSync(path.join(ag, "source"), { recursive: true });
    execFileSync(PYTHON, ["-m", "zipfile", "-e", zip, path.join(ag, "source")]);
    // what setup.sh's npm install leaves in the course
    fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, "node_modules")), path.join(ag, "source", "course", "node_modules"));
    fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, ".venv")), path.join(ag, "source", "course", ".venv"));
    // Gradescope copies the script to /autograder/run_autograder at image build
    fs.copyFileSync(path.join(ag, "source", "run_autograder"), path.join(ag, "run_autograder"));
    fs.chmodSync(path.join(ag, "run_autograder"), 0o755);
  });
  after(() => fx?.cleanup());

  const grade = (files: (sub: string) => void): { res: { score: number; output_format: string; tests: { name: string; score: number; max_score: number; status: string; output: string; output_format: string }[] }; log: string } => {
    fs.rmSync(path.join(ag, "submission"), { recursive: true, force: true });
    fs.rmSync(path.join(ag, "results"), { recursive: true, force: true });
    fs.mkdirSync(path.join(ag, "submission"));
    files(path.join(ag, "submission"));
    const env: NodeJS.ProcessEnv = { ...process.env, AUTOGRADER_ROOT: ag };
    const p = spawnSync(path.join(ag, "run_autograder"), [], { cwd: ag, env, encoding: "utf8" });
    assert.equal(p.status, 0, p.stderr);
    return { res: JSON.parse(fs.readFileSync(path.join(ag, "results", "results.json"), "utf8")), log: p.stdout + p.stderr };
  };

  it("the bundle holds setup.sh, run_autograder (executable) and the course, without node_modules", () => {
    for (const f of ["setup.sh", "run_autograder", "course/lib/tiny.ts", "course/notebooks/fx1/references.json", "course/grader/hidden/fx1/lib.ts", "course/grader/cli.ts", "course/grader/py/driver.py"])
      assert.ok(fs.existsSync(path.join(ag, "source", f)), f);
    // the entries' Unix modes (what unzip restores): both scripts executable, at the zip's root
    const modes = JSON.parse(
      execFileSync(PYTHON, ["-c", "import sys,json,zipfile; print(json.dumps({i.filename: i.external_attr >> 16 for i in zipfile.ZipFile(sys.argv[1]).infolist()}))", zip], { encoding: "utf8" }),
    ) as Record<string, number>;
    for (const f of ["setup.sh", "run_autograder"]) assert.ok(modes[f] & 0o100, `${f} is executable in the zip (mode ${modes[f]?.toString(8)})`);
    assert.ok(!Object.keys(modes).some((f) => f.includes("node_modules") || f.includes(".venv")));
  });

  it("run_autograder, copied to /autograder and run from there, grades /autograder/submission", () => {
    const { res, log } = grade((sub) => {
      fs.cpSync(path.join(fx.course, "lib"), path.join(sub, "lib"), { recursive: true });
      for (const n of ["basics.ipynb", "second.ipynb"]) fs.copyFileSync(path.join(fx.course, "notebooks/fx1", n), path.join(sub, n));
    });
    assert.equal(res.score, 10, JSON.stringify(res.tests.filter((t) => t.score < t.max_score)) + log.slice(-2000));
    assert.equal(res.output_format, "text");
    assert.ok(res.tests.length >= 7 && res.tests.every((t) => t.status === "passed" && t.output_format === "text"));
    assert.ok(fs.existsSync(path.join(ag, "results", "feedback.html")));
    assert.match(log, /\[1\/1\] submission: 10\/10 in \d+ s/);
  });

  it("a problem is a failed 0/0 entry, and text is not read as HTML", () => {
    const { res } = grade((sub) => {
      fs.cpSync(path.join(fx.course, "lib"), path.join(sub, "lib"), { recursive: true });
      fs.writeFileSync(path.join(sub, "basics.ipynb"), "<b>not a notebook</b>");
    });
    const info = res.tests.find((t) => t.name === "basics.ipynb: notebook");
    assert.ok(info, JSON.stringify(res.tests.map((t) => t.name)));
    assert.deepEqual([info!.score, info!.max_score, info!.status, info!.output_format], [0, 0, "failed", "text"]);
    assert.match(res.tests.find((t) => t.name === "second.ipynb: notebook")!.output, /missing notebook second.ipynb/);
    assert.equal(res.score, 4); // the hidden tests on the solution lib
  });

  it("setup.sh names the base image it supports and stops on any other", () => {
    const osr = fs.readFileSync("/etc/os-release", "utf8");
    if (/^ID=ubuntu$/m.test(osr) && /^VERSION_ID="?24\.04"?$/m.test(osr)) return; // it would install: not here
    const p = spawnSync("bash", [path.join(ag, "source", "setup.sh")], { encoding: "utf8" });
    assert.equal(p.status, 1);
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osr)?.[1] ?? "unknown";
    assert.match(p.stderr, new RegExp(`unsupported base image: ${pretty.replace(/[()]/g, "\\$&")}\\. This autograder supports Ubuntu 24\\.04 only`));
  });
});

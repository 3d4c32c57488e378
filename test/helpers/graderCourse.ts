/**
 * Runnable course copies for the grader tests, inside the repo (so node_modules resolves) under
 * .tmp-grader-test/:
 *   fixtureCourse: the tiny fixture course test/fixtures/course (assignment fx1), with the platform
 *     files it shares with lib/ (check.ts, display.ts) copied from lib/ — never duplicated;
 *   repoCourse: the real course's lib/, one assignment's notebooks, rules, references and hidden tests.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../grader/paths";
import type { Assignment } from "../../grader/course";
import { releasedLib } from "../../grader/graderOwned";

/** lib/ files the fixture course uses unchanged. */
const SHARED_LIB = ["check.ts", "display.ts"];

interface CourseCopy {
  course: string;
  tmp: string;
  cleanup: () => void;
}

function scratch(tag: string): { tmp: string; course: string } {
  const tmp = path.join(REPO_ROOT, ".tmp-grader-test", `${tag}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  return { tmp, course: path.join(tmp, "course") };
}

function finish(tmp: string, course: string): CourseCopy {
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(course, "node_modules"));
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(course, f));
  return { course, tmp, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** `withGrader`: the course also holds this repo's grader code, as a real course does (Gradescope bundles). */
export function fixtureCourse(tag: string, opts: { withGrader?: boolean } = {}): CourseCopy {
  const { tmp, course } = scratch(tag);
  fs.cpSync(path.join(REPO_ROOT, "test", "fixtures", "course"), course, { recursive: true });
  for (const f of SHARED_LIB) fs.copyFileSync(path.join(REPO_ROOT, "lib", f), path.join(course, "lib", f));
  if (opts.withGrader)
    fs.cpSync(path.join(REPO_ROOT, "grader"), path.join(course, "grader"), { recursive: true, filter: (f) => !f.includes(`${path.sep}hidden${path.sep}`) && !f.endsWith(`${path.sep}hidden`) && !f.includes("__pycache__") });
  return finish(tmp, course);
}

export function repoCourse(tag: string, assignmentName: string): CourseCopy {
  const { tmp, course } = scratch(tag);
  fs.cpSync(path.join(REPO_ROOT, "lib"), path.join(course, "lib"), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, "notebooks", assignmentName), path.join(course, "notebooks", assignmentName), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, "grader", "hidden", assignmentName), path.join(course, "grader", "hidden", assignmentName), { recursive: true });
  fs.mkdirSync(path.join(course, "datasets"));
  fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, "datasets", "cifar-10-batches-bin")), path.join(course, "datasets", "cifar-10-batches-bin"));
  return finish(tmp, course);
}

/**
 * Writes `dest`/lib as a student who finished assignment `a` would submit it: the assignment's
 * release files (this and earlier assignments' code, grader/ownership.ts) with the solutions intact.
 */
export function writeSolvedLib(a: Assignment, dest: string): void {
  fs.rmSync(path.join(dest, "lib"), { recursive: true, force: true });
  for (const f of releasedLib(a, { keepSolutions: true })) {
    const out = path.join(dest, f.rel);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, f.text);
  }
}

/** A runnable copy of the fixture course (test/fixtures/course) inside the repo, with node_modules linked. */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../grader/runNotebook";

export function fixtureCourse(tag: string): { course: string; tmp: string; cleanup: () => void } {
  const tmp = path.join(REPO_ROOT, ".tmp-grader-test", `${tag}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const course = path.join(tmp, "course");
  fs.cpSync(path.join(REPO_ROOT, "test", "fixtures", "course"), course, { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(course, "node_modules"));
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(course, f));
  return { course, tmp, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

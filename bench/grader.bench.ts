/**
 * Grader overhead per submission beyond the notebooks' own execution: grades the fixture
 * assignment's solution (test/fixtures/course, fx1: 2 notebooks + 1 hidden test file) sandboxed,
 * and reports wall time, time inside the notebook runner (kernel start + cells), and the rest
 * (unpacking, nbformat validation, copying, sandbox/cgroup set-up, python helper start-up, comparing,
 * writing results).
 */
import * as fs from "fs";
import * as path from "path";
import { assignment } from "../grader/course";
import { gradeBatch } from "../grader/grade";
import type { BenchResult } from "./run";
import { fixtureCourse } from "../test/helpers/graderCourse";

export async function run(): Promise<BenchResult[]> {
  const fx = fixtureCourse("bench");
  try {
    const sub = path.join(fx.tmp, "sub");
    fs.mkdirSync(sub);
    fs.cpSync(path.join(fx.course, "lib"), path.join(sub, "lib"), { recursive: true });
    for (const n of ["basics.ipynb", "second.ipynb"]) fs.copyFileSync(path.join(fx.course, "notebooks/fx1", n), path.join(sub, n));
    const [r] = await gradeBatch(assignment("fx1", fx.course), [sub], { out: path.join(fx.tmp, "out"), log: () => undefined, memoryMB: 2048 });
    if (r.score !== r.maxScore) throw new Error(`bench submission scored ${r.score}/${r.maxScore}`);
    const runner = r.seconds - r.overheadSeconds;
    return [
      { name: "grader: fixture submission wall time (3 kernels)", value: r.seconds, unit: "s" },
      { name: "grader: inside notebook runner (kernel start+cells)", value: runner, unit: "s" },
      { name: "grader: overhead per submission beyond notebooks", value: r.overheadSeconds, unit: "s", max: 20, note: "helper start-up, sandbox, copy, validate, compare, write" },
    ];
  } finally {
    fx.cleanup();
  }
}

/**
 * Grader cost per submission: grades the fixture assignment's solution (test/fixtures/course, fx1:
 * 2 notebooks + 2 hidden test files, which run in one kernel: 3 kernels) in the sandbox, and reports
 * wall time, time inside the kernel driver (kernel starts + cells), the mean kernel start, and the
 * overhead beyond the kernel runs (unpack, validate, copy, sandbox and cgroup set-up, Python helper
 * start-up, compare, reports).
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
    const starts: number[] = [];
    const log = (l: string): void => {
      const m = /kernel ready in ([\d.]+)s/.exec(l);
      if (m) starts.push(Number(m[1]));
    };
    const [r] = await gradeBatch(assignment("fx1", fx.course), [sub], { out: path.join(fx.tmp, "out"), log, memoryMB: 2048 });
    if (r.score !== r.maxScore) throw new Error(`bench submission scored ${r.score}/${r.maxScore}`);
    return [
      { name: `grader: fixture submission wall time (${starts.length} kernels)`, value: r.seconds, unit: "s" },
      { name: "grader: inside the kernel driver (starts+cells)", value: r.kernelSeconds, unit: "s" },
      { name: "grader: kernels' CPU time (cgroup accounting)", value: r.cpuSeconds ?? NaN, unit: "s", note: "independent of the machine's load" },
      { name: "grader: mean kernel start (sandboxed tslab)", value: starts.reduce((a, b) => a + b, 0) / Math.max(1, starts.length), unit: "s" },
      { name: "grader: overhead per submission beyond kernels", value: r.overheadSeconds, unit: "s", max: 3, note: "unpack, validate, sandbox, helper start-up, compare, reports" },
    ];
  } finally {
    fx.cleanup();
  }
}

/**
 * Grader cost per submission, sandboxed, with the default kernels at a time (`defaultUnits`):
 *   - the fixture assignment's solution (test/fixtures/course, fx1: 2 notebooks + 2 hidden test files,
 *     which run in one kernel: 3 kernels): wall time, time with a kernel session in the driver
 *     (kernel starts + cells), the mean kernel start, and the overhead beyond the kernel runs (unpack,
 *     validate, copy, sandbox and cgroup set-up, Python helper start-up, compare, reports);
 *   - assignment 1's untouched release (`npm run release -- assignment1`, graded in full mode, as a
 *     student who hands in the stubs would be): 5 notebooks + the hidden tests, 6 kernels;
 *   - assignment 1's solution in quick mode (`--quick`), which must score 100%.
 * CS231N_BENCH_SIZE=tiny (`npm run bench -- --tiny`) keeps only the fixture case.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment } from "../grader/course";
import { defaultUnits, DEFAULTS, gradeBatch, SubmissionResult } from "../grader/grade";
import { makeRelease } from "../grader/release";
import type { BenchResult } from "./run";
import { fixtureCourse, writeSolvedLib } from "../test/helpers/graderCourse";

const units = defaultUnits(1, DEFAULTS.memoryMB, DEFAULTS.diskMB);

function kernels(r: SubmissionResult): number {
  return r.units.filter((u) => u.kind === "notebook" && u.cells.length).length + (r.units.some((u) => u.kind === "hidden" && u.cells.length) ? 1 : 0);
}

async function fixture(): Promise<BenchResult[]> {
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
      { name: `grader: fixture submission wall time (${starts.length} kernels, ${units} at a time)`, value: r.seconds, unit: "s" },
      { name: "grader: fixture, kernel sessions in the driver (starts+cells)", value: r.kernelSeconds, unit: "s" },
      { name: "grader: fixture, kernels' CPU time (cgroup accounting)", value: r.cpuSeconds ?? NaN, unit: "s", note: "independent of the machine's load" },
      { name: "grader: mean kernel start (sandboxed tslab)", value: starts.reduce((a, b) => a + b, 0) / Math.max(1, starts.length), unit: "s" },
      { name: "grader: overhead per submission beyond kernels", value: r.overheadSeconds, unit: "s", max: 3, note: "unpack, validate, sandbox, helper start-up, compare, reports" },
    ];
  } finally {
    fx.cleanup();
  }
}

async function assignment1(): Promise<BenchResult[]> {
  const a = assignment("assignment1");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-bench-a1-"));
  try {
    const rel = makeRelease(a, { outRoot: path.join(tmp, "release") });
    const [r] = await gradeBatch(a, [rel.dir], { out: path.join(tmp, "out-release"), log: () => undefined });
    if (r.error || r.maxScore === 0) throw new Error(`A1 release: ${r.error ?? "no checks"}`);
    const sol = path.join(tmp, "solution");
    writeSolvedLib(a, sol);
    fs.cpSync(a.notebooksDir, path.join(sol, "notebooks", a.name), { recursive: true, filter: (f) => !f.endsWith(".json") });
    const [q] = await gradeBatch(a, [sol], { out: path.join(tmp, "out-solution"), quick: true, log: () => undefined });
    if (q.score !== q.maxScore) throw new Error(`A1 solution (quick) scored ${q.score}/${q.maxScore}`);
    const cpu = (x: SubmissionResult): string => `kernels' CPU ${(x.cpuSeconds ?? NaN).toFixed(0)} s, load ${os.loadavg()[0].toFixed(1)}`;
    return [
      { name: `grader: A1 untouched release wall time (${kernels(r)} kernels, ${units} at a time)`, value: r.seconds, unit: "s", max: 60, note: `${r.score}/${r.maxScore}; ${cpu(r)}` },
      { name: "grader: A1 untouched release, kernels' CPU time", value: r.cpuSeconds ?? NaN, unit: "s" },
      { name: "grader: A1 untouched release, overhead beyond kernels", value: r.overheadSeconds, unit: "s", max: 3 },
      { name: `grader: A1 solution, quick mode, wall time (${kernels(q)} kernels, ${units} at a time)`, value: q.seconds, unit: "s", note: cpu(q) },
      { name: "grader: A1 solution, quick mode, kernels' CPU time", value: q.cpuSeconds ?? NaN, unit: "s" },
    ];
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const rows = await fixture();
  if (process.env.CS231N_BENCH_SIZE === "tiny") return rows;
  return [...rows, ...(await assignment1())];
}

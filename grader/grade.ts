/**
 * `npm run grade -- <submission>...`: grades submissions (folders or .zip) of one assignment.
 *
 * One submission is a list of stages, each its own module with a typed input and output
 * (nbgrader's preprocessors are the model):
 *
 *   unpack → assemble → validate → restore → run → compare → report
 *
 *   unpack    pipeline/unpack.ts    folder or safe-extracted zip
 *   assemble  pipeline/assemble.ts  the kernel's root (student lib/ + course config), notebook files
 *   validate  pipeline/validate.ts  nbformat 4 or a per-notebook problem
 *   restore   pipeline/restore.ts   provided lib files and grader-owned cells from the release
 *   run       pipeline/run.ts       notebooks (one kernel each) + hidden tests (one kernel), sandboxed,
 *                                   `units` kernels at a time
 *   compare   pipeline/compare.ts   references vs recorded checks, outside the kernel
 *   report    report.ts             results.json (Gradescope), feedback.html, executed notebooks, CSV
 *
 * A batch runs `jobs` submissions at a time, each running `units` kernels at a time (default: jobs ×
 * units ≤ cores, within RAM); one submission's failure never stops the batch.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Assignment } from "./course";
import { assemble } from "./pipeline/assemble";
import { compareChecks } from "./pipeline/compare";
import { restore } from "./pipeline/restore";
import { RunStage, runUnits } from "./pipeline/run";
import { unpack } from "./pipeline/unpack";
import { validate } from "./pipeline/validate";
import { loadReferences, ReferencesFile } from "./references";
import { gradescopeResults, SubmissionResult, writeReports } from "./report";
import { REPO_ROOT } from "./paths";

export type { SubmissionResult } from "./report";
export { feedbackHtml, writeCsvRow } from "./report";
export { loadReferences } from "./references";

export interface GradeOptions {
  out: string;
  jobs?: number;
  /** kernels (run units: notebooks, the hidden tests) of one submission at a time; default `defaultUnits` */
  units?: number;
  /** per-cell limit (default 600 s) */
  timeoutCellSec?: number;
  /** per-submission limit, all notebooks and hidden tests together (default 3600 s) */
  timeoutTotalSec?: number;
  /** memory cap of each kernel's group (default 4096 MB) */
  memoryMB?: number;
  /** writable space of a kernel (default 1024 MB) */
  diskMB?: number;
  /** processes and threads per kernel's group (default 512) */
  pids?: number;
  /** stored output per cell / per notebook in bytes (defaults 1 MB / 10 MB) */
  outputCellBytes?: number;
  outputNotebookBytes?: number;
  /** run kernels without the sandbox (unsafe; for debugging the grader) */
  noSandbox?: boolean;
  /** grade against references.quick.json (notebooks run with CS231N_QUICK=1) */
  quick?: boolean;
  /** progress lines (default: stderr) */
  log?: (s: string) => void;
}

export const DEFAULTS = { timeoutCellSec: 600, timeoutTotalSec: 3600, memoryMB: 4096, diskMB: 1024, pids: 512 };

/**
 * Kernels per submission at a time when not given: the cores left for each of the `jobs` submissions
 * (jobs × units ≤ cores), and no more than the RAM holds at the caps (each running kernel may use
 * `memoryMB` plus `diskMB` of tmpfs), at least 1.
 */
export function defaultUnits(jobs: number, memoryMB: number, diskMB: number, cores = os.availableParallelism?.() ?? os.cpus().length, ramMB = os.totalmem() / 2 ** 20): number {
  return Math.max(1, Math.min(Math.floor(cores / jobs), Math.floor(ramMB / (jobs * (memoryMB + diskMB)))));
}

export function submissionName(p: string): string {
  return path.basename(path.resolve(p)).replace(/\.zip$/i, "").replace(/[^A-Za-z0-9_.\-]/g, "_") || "submission";
}

/**
 * One distinct result name per submission of a batch, so results never overwrite each other:
 * the file name, prefixed with its folder's name when two submissions share a file name
 * (alice/submission.zip, bob/submission.zip → alice_submission, bob_submission), then numbered.
 */
export function submissionNames(subs: string[]): string[] {
  const base = subs.map(submissionName);
  const count = (xs: string[], x: string): number => xs.filter((y) => y === x).length;
  const named = base.map((b, i) => (count(base, b) > 1 ? `${submissionName(path.dirname(path.resolve(subs[i])))}_${b}` : b));
  const seen = new Map<string, number>();
  return named.map((n) => {
    if (count(named, n) === 1) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n}_${k}`;
  });
}

/** The dataset the kernel may read, from the course or the repo. */
function datasetDir(a: Assignment): string | undefined {
  for (const r of [a.courseRoot, REPO_ROOT]) {
    const d = path.join(r, "datasets", "cifar-10-batches-bin");
    if (fs.existsSync(d)) return fs.realpathSync(d);
  }
  return undefined;
}

/** Grades one submission through every stage and writes its reports under `opts.out`. */
export async function gradeSubmission(a: Assignment, ref: ReferencesFile, submission: string, opts: GradeOptions & { name?: string }): Promise<SubmissionResult> {
  const t0 = Date.now();
  const name = opts.name ?? submissionName(submission);
  const log = opts.log ?? ((s: string) => console.error(s));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `cs231n-grade-${name}-`));
  let fatal: string | undefined;
  let warnings: string[] = [];
  let ran: RunStage = { units: [], kernelSeconds: 0, peakMemoryBytes: null, cpuSeconds: null, applied: [], warnings: [] };
  try {
    try {
      const { dir } = await unpack(submission, work);
      const asm = assemble(a, ref.notebooks, dir, work);
      warnings = asm.warnings;
      const valid = await validate(asm.notebooks);
      const restored = restore(a, asm.root, valid, work);
      warnings = [...warnings, ...restored.warnings];
      const dataset = datasetDir(a);
      ran = await runUnits(a, restored.notebooks, {
        root: asm.root,
        work,
        deadline: t0 + (opts.timeoutTotalSec ?? DEFAULTS.timeoutTotalSec) * 1000,
        timeoutCellSec: opts.timeoutCellSec ?? DEFAULTS.timeoutCellSec,
        env: { ...(ref.quick ? { CS231N_QUICK: "1" } : {}), ...(dataset ? { CIFAR10_DIR: dataset } : {}) },
        sandbox: !opts.noSandbox,
        diskMB: opts.diskMB ?? DEFAULTS.diskMB,
        memoryMB: opts.memoryMB ?? DEFAULTS.memoryMB,
        pids: opts.pids ?? DEFAULTS.pids,
        readOnly: dataset ? [dataset] : [],
        units: opts.units ?? defaultUnits(opts.jobs ?? 1, opts.memoryMB ?? DEFAULTS.memoryMB, opts.diskMB ?? DEFAULTS.diskMB),
        outputCellBytes: opts.outputCellBytes,
        outputNotebookBytes: opts.outputNotebookBytes,
        log: (s) => log(`[grade] ${name}: ${s}`),
      });
    } catch (e) {
      fatal = (e as Error).message;
    }
    const checks = compareChecks(ref, ran.units, fatal);
    const score = Math.round(checks.reduce((s, c) => s + c.score, 0) * 100) / 100;
    const maxScore = checks.reduce((s, c) => s + c.max, 0);
    const seconds = (Date.now() - t0) / 1000;
    const base = { name, score, maxScore, error: fatal, units: ran.units, checks, seconds, warnings };
    const r: SubmissionResult = {
      ...base,
      results: gradescopeResults(base),
      kernelSeconds: ran.kernelSeconds,
      overheadSeconds: Math.max(0, seconds - ran.kernelSeconds),
      sandbox: [...ran.applied, ...ran.warnings],
      peakMemoryBytes: ran.peakMemoryBytes,
      cpuSeconds: ran.cpuSeconds,
    };
    await writeReports(opts.out, r);
    return r;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Grades submissions `jobs` at a time into `opts.out`; returns the results in the given order. */
export async function gradeBatch(a: Assignment, submissions: string[], opts: GradeOptions): Promise<SubmissionResult[]> {
  const ref = loadReferences(a, !!opts.quick);
  const log = opts.log ?? ((s: string) => console.error(s));
  fs.mkdirSync(opts.out, { recursive: true });
  const results: SubmissionResult[] = new Array(submissions.length);
  const names = submissionNames(submissions);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, submissions.length));
  const units = opts.units ?? defaultUnits(opts.jobs ?? 1, opts.memoryMB ?? DEFAULTS.memoryMB, opts.diskMB ?? DEFAULTS.diskMB);
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  let sandboxShown = false;
  const worker = async (): Promise<void> => {
    while (next < submissions.length) {
      const i = next++;
      let r: SubmissionResult;
      try {
        r = await gradeSubmission(a, ref, submissions[i], { ...opts, units, name: names[i] });
      } catch (e) {
        const msg = `grader crashed: ${(e as Error).message}`;
        const base = { name: names[i], score: 0, maxScore: 0, error: msg, units: [], checks: [], seconds: 0, warnings: [] };
        r = { ...base, results: gradescopeResults(base), kernelSeconds: 0, overheadSeconds: 0, sandbox: [] };
        try {
          await writeReports(opts.out, r);
        } catch (e2) {
          log(`[grade] writing results for ${r.name} failed: ${(e2 as Error).message}`);
        }
      }
      results[i] = r;
      done++;
      if (!sandboxShown && r.sandbox.length) {
        sandboxShown = true;
        log(`[grade] sandbox: ${r.sandbox.join("; ")}`);
      }
      const elapsed = (Date.now() - t0) / 1000;
      const left = submissions.length - done;
      const eta = left ? `, ETA ${duration((elapsed / done) * left)}` : "";
      log(`[${done}/${submissions.length}] ${r.name}: ${r.score}/${r.maxScore}${r.error ? ` (${r.error})` : ""} in ${Math.round(r.seconds)} s${eta}`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}

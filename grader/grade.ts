/**
 * `npm run grade -- <submission>... [--jobs N] [--timeout-cell S] [--timeout-total S] [--memory MB]
 *                   [--out DIR] [--assignment assignment1]`
 *
 * Per submission (folder or .zip): validate notebooks, copy the student's lib/ and notebooks into a
 * fresh temp root (node_modules symlinked to the repo's), run each notebook and then the hidden tests
 * (fresh kernel, student's lib only) in a bubblewrap sandbox inside a cgroup memory cap, compare
 * every check outside the kernel, and write OUT/<name>/results.json (Gradescope), feedback.html,
 * and a row of OUT/grades.csv. One submission's failure never stops the batch.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Assignment, hiddenTests, referencesFor, writeAtomic } from "./course";
import { ReferencesFile } from "./references";
import { compare, Value } from "./rules";
import { CellOutcome, CheckRecord, NBRUN_PY, PYTHON, REPO_ROOT, runCells, RunResult } from "./runNotebook";
import { makeSandbox } from "./sandbox";

export interface GradeOptions {
  out: string;
  jobs?: number;
  timeoutCellSec?: number;
  timeoutTotalSec?: number;
  memoryMB?: number;
  /** disable bubblewrap (tests of the grader logic only) */
  noSandbox?: boolean;
  log?: (s: string) => void;
  /** extra paths to hide from the kernel */
  hide?: string[];
  /** grade against references.quick.json (notebooks run with CS231N_QUICK=1) */
  quick?: boolean;
}

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  output: string;
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
}
export interface CheckResult {
  id: string;
  notebook: string;
  score: number;
  max: number;
  passed: boolean;
  message: string;
  failingCell?: { index: number; source: string; error: { name: string; message: string }; status: string };
}
export interface NotebookReport {
  notebook: string;
  problem?: string;
  cells: CellOutcome[];
  seconds: number;
}
export interface SubmissionResult {
  name: string;
  score: number;
  maxScore: number;
  error?: string;
  notebooks: NotebookReport[];
  checks: CheckResult[];
  results: { score: number; output: string; tests: GradescopeTest[]; execution_time?: number };
  seconds: number;
  overheadSeconds: number;
  warnings: string[];
  peakMemoryBytes?: number | null;
}

const subprep = path.join(REPO_ROOT, "grader", "subprep.py");
function py(args: string[]): unknown {
  return JSON.parse(execFileSync(PYTHON, [subprep, ...args], { encoding: "utf8", maxBuffer: 64 << 20 }));
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

/** Finds the directory that holds lib/ (or the notebooks) inside an extracted submission. */
function findRoot(dir: string, nbNames: string[]): string {
  const hasStuff = (d: string): boolean => fs.existsSync(path.join(d, "lib")) || nbNames.some((n) => fs.existsSync(path.join(d, n)));
  if (hasStuff(dir)) return dir;
  const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "__MACOSX");
  if (subs.length === 1) return findRoot(path.join(dir, subs[0].name), nbNames);
  return dir;
}
function findNotebook(root: string, a: Assignment, name: string): string | null {
  for (const c of [path.join(root, "notebooks", a.name, name), path.join(root, name), path.join(root, "notebooks", name)])
    if (fs.existsSync(c)) return c;
  return null;
}
function copyDir(src: string, dst: string, filter: (p: string) => boolean = () => true): void {
  fs.cpSync(src, dst, { recursive: true, dereference: false, filter: (s) => filter(s) && !fs.lstatSync(s).isSymbolicLink() });
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export async function gradeSubmission(
  a: Assignment,
  ref: ReferencesFile,
  submission: string,
  opts: GradeOptions & { name?: string },
): Promise<SubmissionResult> {
  const t0 = Date.now();
  const name = opts.name ?? submissionName(submission);
  const log = opts.log ?? ((s: string) => console.error(s));
  const warnings: string[] = [];
  const notebooks: NotebookReport[] = [];
  const runs: Record<string, RunResult | undefined> = {};
  let kernelSeconds = 0;
  let peak: number | null = null;
  let fatal: string | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `cs231n-grade-${name}-`));
  try {
    // 1. unpack
    let src = path.resolve(submission);
    if (!fs.existsSync(src)) throw new Error(`submission not found: ${submission}`);
    if (fs.statSync(src).isFile()) {
      if (!/\.zip$/i.test(src)) throw new Error("a submission must be a folder or a .zip file");
      const dest = path.join(work, "unpacked");
      fs.mkdirSync(dest);
      const r = py(["unzip", src, dest]) as { ok: boolean; error?: string };
      if (!r.ok) throw new Error(r.error);
      src = dest;
    }
    src = findRoot(src, ref.notebooks);
    // 2. fresh root: student's lib + notebooks, repo's node_modules
    const root = path.join(work, "root");
    fs.mkdirSync(path.join(root, "notebooks", a.name), { recursive: true });
    if (fs.existsSync(path.join(src, "lib"))) copyDir(path.join(src, "lib"), path.join(root, "lib"), (p) => !p.includes("node_modules"));
    else warnings.push("the submission has no lib/ folder");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
    for (const f of ["tsconfig.json", "package.json"]) if (fs.existsSync(path.join(a.courseRoot, f))) fs.copyFileSync(path.join(a.courseRoot, f), path.join(root, f));
    const gdir = path.join(work, "grader");
    fs.mkdirSync(path.join(gdir, "executed"), { recursive: true });
    fs.copyFileSync(NBRUN_PY, path.join(gdir, "nbrun.py"));
    // 3. validate notebooks
    const found: Record<string, string> = {};
    for (const nb of ref.notebooks) {
      const p = findNotebook(src, a, nb);
      if (!p) notebooks.push({ notebook: nb, problem: `missing notebook ${nb}`, cells: [], seconds: 0 });
      else found[nb] = p;
    }
    const v = Object.keys(found).length ? (py(["validate", ...Object.values(found)]) as Record<string, string | null>) : {};
    // 4. run
    const deadline = Date.now() + (opts.timeoutTotalSec ?? 3600) * 1000;
    // Hide everything of the repo and course (solution lib, references, hidden tests, git history,
    // fixtures, other outputs) except what the kernel needs: node_modules, the venv, the native addon,
    // datasets.
    const keep = new Set(["node_modules", ".venv", "native", "datasets", ".cache"]);
    const topLevel = (root: string): string[] =>
      fs.existsSync(root) ? fs.readdirSync(root).filter((e) => !keep.has(e)).map((e) => path.join(root, e)) : [];
    const hide = Array.from(
      new Set([...topLevel(REPO_ROOT), ...topLevel(a.courseRoot), path.join(a.courseRoot, "notebooks"), path.join(a.courseRoot, "lib"), path.resolve(opts.out), ...(opts.hide ?? [])]),
    ).filter((h) => !work.startsWith(h + path.sep) && !(work + path.sep).startsWith(h + path.sep));
    const env: Record<string, string> = ref.quick ? { CS231N_QUICK: "1" } : {};
    // the course's dataset (read-only inside the sandbox; datasets/ is not hidden)
    for (const r of [a.courseRoot, REPO_ROOT]) {
      const d = path.join(r, "datasets", "cifar-10-batches-bin");
      if (!env.CIFAR10_DIR && fs.existsSync(d)) env.CIFAR10_DIR = fs.realpathSync(d);
    }
    const runOne = async (input: { notebook: string } | { cells: string[] }, label: string, outNb?: string): Promise<RunResult> => {
      const remaining = Math.max(1, (deadline - Date.now()) / 1000);
      const sb = makeSandbox({ work, hide, memoryMB: opts.memoryMB ?? 4096, useBwrap: !opts.noSandbox });
      for (const w of sb.warnings) if (!warnings.includes(w)) warnings.push(w);
      try {
        const r = await runCells(input, {
          root,
          env,
          wrap: sb.wrap,
          tmpDir: gdir,
          nbrunPath: path.join(gdir, "nbrun.py"),
          timeoutCellSec: opts.timeoutCellSec ?? 600,
          timeoutTotalSec: remaining,
          outputNotebook: outNb,
        });
        kernelSeconds += r.seconds;
        const pk = sb.peak();
        if (pk) peak = Math.max(peak ?? 0, pk);
        if (sb.oomKilled()) {
          for (const c of r.cells)
            if (c.status === "died" && c.error) c.error = { name: "OutOfMemory", message: `the kernel was killed: it exceeded the memory limit of ${opts.memoryMB ?? 4096} MB` };
        }
        log(`[grade] ${name}: ${label}: ${r.cells.filter((c) => c.status === "ok").length}/${r.cells.length} cells ok, ${r.checks.length} checks, ${r.seconds.toFixed(1)}s`);
        return r;
      } finally {
        sb.dispose();
      }
    };
    for (const nb of ref.notebooks) {
      if (!found[nb]) continue;
      if (v[found[nb]]) {
        notebooks.push({ notebook: nb, problem: v[found[nb]]!, cells: [], seconds: 0 });
        continue;
      }
      const dst = path.join(root, "notebooks", a.name, nb);
      fs.copyFileSync(found[nb], dst);
      if (Date.now() >= deadline) {
        notebooks.push({ notebook: nb, problem: "not run: the submission exceeded its total time limit", cells: [], seconds: 0 });
        continue;
      }
      const r = await runOne({ notebook: dst }, nb, path.join(gdir, "executed", nb));
      runs[nb] = r;
      notebooks.push({ notebook: nb, problem: r.ok ? undefined : r.error, cells: r.cells, seconds: r.seconds });
    }
    for (const h of hiddenTests(a)) {
      if (Date.now() >= deadline) {
        notebooks.push({ notebook: h.name, problem: "not run: the submission exceeded its total time limit", cells: [], seconds: 0 });
        continue;
      }
      const r = await runOne({ cells: h.cells }, h.name);
      runs[h.name] = r;
      notebooks.push({ notebook: h.name, problem: r.ok ? undefined : r.error, cells: r.cells, seconds: r.seconds });
    }
  } catch (e) {
    fatal = (e as Error).message;
  }
  // 5. compare outside the kernel
  const checks: CheckResult[] = [];
  for (const [id, rc] of Object.entries(ref.checks)) {
    const run = runs[rc.notebook];
    const rep = notebooks.find((n) => n.notebook === rc.notebook);
    // only checks emitted by the notebook the reference came from count (a notebook can't fake hidden ids)
    const got: CheckRecord | undefined = run?.checks.filter((c) => c.id === id).pop();
    let reason: string | undefined;
    let failingCell: CheckResult["failingCell"];
    if (!got) {
      const cells = run?.cells ?? [];
      // the student's cell that should have emitted it: the one naming the id, else the solution's position
      const named = cells.find((c) => c.source.includes(`"${id}"`) || c.source.includes(`'${id}'`) || c.source.includes(`\`${id}\``));
      const at = named ? named.index : rc.cell;
      const own = cells.find((c) => c.index === at && c.status !== "ok");
      const first = cells.find((c) => c.status !== "ok" && c.index <= at);
      const bad = own ?? first ?? cells.find((c) => c.status !== "ok");
      const firstNote =
        own && first && first !== own ? ` (first failure in this notebook: cell ${first.codeIndex}: ${first.error?.name}: ${first.error?.message})` : "";
      if (fatal && !run) reason = `not graded: ${fatal}`;
      else if (rep?.problem && !run) reason = `not graded: ${rep.problem}`;
      else if (!run) reason = `not graded: ${rc.notebook} was not run`;
      else if (bad) {
        reason = `no value recorded; cell ${bad.codeIndex} ${bad.status === "error" ? "failed" : bad.status === "died" ? "crashed the kernel" : bad.status === "timeout" ? "timed out" : "was " + bad.status}: ${bad.error?.name}: ${bad.error?.message}${firstNote}`;
        failingCell = { index: bad.index, source: bad.source, error: bad.error ?? { name: "", message: "" }, status: bad.status };
      } else reason = run.ok ? "no value was recorded for this check (was the check cell deleted or changed?)" : `not graded: ${run.error}`;
    }
    const vd = compare(rc.rule, { value: rc.value as Value, shape: rc.shape }, got ? { value: got.value as Value, shape: got.shape } : undefined, reason);
    checks.push({ id, notebook: rc.notebook, ...vd, failingCell });
  }
  const score = Math.round(checks.reduce((s, c) => s + c.score, 0) * 100) / 100;
  const maxScore = checks.reduce((s, c) => s + c.max, 0);
  const tests: GradescopeTest[] = [];
  if (fatal) tests.push({ name: "Submission", score: 0, max_score: 0, output: fatal, visibility: "visible" });
  for (const n of notebooks) if (n.problem) tests.push({ name: `${n.notebook}: notebook`, score: 0, max_score: 0, output: n.problem, visibility: "visible" });
  for (const c of checks)
    tests.push({
      name: `${c.notebook}: ${c.id}`,
      score: c.score,
      max_score: c.max,
      output: c.message + (c.failingCell ? `\n\nFailing cell:\n${c.failingCell.source}` : ""),
      visibility: c.notebook.startsWith("hidden/") ? "after_published" : "visible",
    });
  const seconds = (Date.now() - t0) / 1000;
  fs.rmSync(work, { recursive: true, force: true });
  return {
    name,
    score,
    maxScore,
    error: fatal,
    notebooks,
    checks,
    results: { score, output: fatal ? `Grading failed: ${fatal}` : `${score} / ${maxScore} points`, tests, execution_time: Math.round(seconds) },
    seconds,
    overheadSeconds: Math.max(0, seconds - kernelSeconds),
    warnings,
    peakMemoryBytes: peak,
  };
}

export function feedbackHtml(r: SubmissionResult): string {
  const parts: string[] = [];
  parts.push(`<!doctype html><meta charset="utf-8"><title>Feedback: ${esc(r.name)}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}
.pass{background:#e6ffe6}.fail{background:#ffe6e6}pre{background:#f6f6f6;padding:6px;overflow:auto;white-space:pre-wrap}</style>
<h1>${esc(r.name)}: ${r.score} / ${r.maxScore}</h1>`);
  if (r.error) parts.push(`<p class="fail"><b>Grading failed:</b> ${esc(r.error)}</p>`);
  for (const w of r.warnings) parts.push(`<p><i>${esc(w)}</i></p>`);
  const nbNames = Array.from(new Set([...r.notebooks.map((n) => n.notebook), ...r.checks.map((c) => c.notebook)]));
  for (const nb of nbNames) {
    const rep = r.notebooks.find((n) => n.notebook === nb);
    parts.push(`<h2>${esc(nb)}</h2>`);
    if (rep?.problem) parts.push(`<p class="fail">${esc(rep.problem)}</p>`);
    if (rep && rep.cells.length) {
      const bad = rep.cells.filter((c) => c.status !== "ok");
      parts.push(`<p>${rep.cells.length - bad.length} of ${rep.cells.length} code cells ran without error (${rep.seconds.toFixed(1)} s).</p>`);
      for (const c of bad)
        parts.push(`<details><summary>cell ${c.codeIndex}: <b>${esc(c.status)}</b> ${esc(c.error ? `${c.error.name}: ${c.error.message}` : "")}</summary><pre>${esc(nb.startsWith("hidden/") ? "(hidden test code)" : c.source)}</pre></details>`);
    }
    const cs = r.checks.filter((c) => c.notebook === nb);
    if (cs.length) {
      parts.push(`<table><tr><th>check</th><th>points</th><th>result</th></tr>`);
      for (const c of cs) parts.push(`<tr class="${c.passed ? "pass" : "fail"}"><td>${esc(c.id)}</td><td>${c.score} / ${c.max}</td><td>${esc(c.message)}</td></tr>`);
      parts.push(`</table>`);
    }
  }
  return parts.join("\n") + "\n";
}

const csvCell = (s: string | number): string => (/[",\n]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));
let csvChain: Promise<void> = Promise.resolve();
/** Replaces (or appends) the submission's row in OUT/grades.csv atomically; idempotent. */
export function writeCsvRow(out: string, r: SubmissionResult): Promise<void> {
  csvChain = csvChain.then(() => {
    const file = path.join(out, "grades.csv");
    const header = "submission,score,max_score,status,graded_at";
    const rows = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter((l) => l && l !== header) : [];
    const keep = rows.filter((l) => l.split(",")[0] !== csvCell(r.name));
    keep.push([r.name, r.score, r.maxScore, r.error ? "error" : "graded", new Date().toISOString()].map(csvCell).join(","));
    keep.sort();
    writeAtomic(file, [header, ...keep].join("\n") + "\n");
  });
  return csvChain;
}

/** Reads and sanity-checks the references of a mode, with a fix-it message when they are missing. */
export function loadReferences(a: Assignment, quick: boolean): ReferencesFile {
  const file = referencesFor(a, quick);
  const how = `run \`npm run references -- ${a.name}${quick ? " --quick" : ""}\` first`;
  if (!fs.existsSync(file)) throw new Error(`no ${quick ? "quick-mode " : ""}references for ${a.name} (${file}): ${how}`);
  let ref: ReferencesFile;
  try {
    ref = JSON.parse(fs.readFileSync(file, "utf8")) as ReferencesFile;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): ${how}`);
  }
  if (!ref || typeof ref.checks !== "object" || !Array.isArray(ref.notebooks)) throw new Error(`${file} is not a references file: ${how}`);
  if (!!ref.quick !== quick) throw new Error(`${file} was made in ${ref.quick ? "quick" : "full"} mode: ${how}`);
  return ref;
}

export async function gradeBatch(a: Assignment, submissions: string[], opts: GradeOptions): Promise<SubmissionResult[]> {
  const ref = loadReferences(a, !!opts.quick);
  fs.mkdirSync(opts.out, { recursive: true });
  const results: SubmissionResult[] = new Array(submissions.length);
  const names = submissionNames(submissions);
  let next = 0;
  const others = (s: string): string[] => submissions.filter((x) => x !== s).map((x) => path.resolve(x));
  const worker = async (): Promise<void> => {
    while (next < submissions.length) {
      const i = next++;
      const s = submissions[i];
      let r: SubmissionResult;
      try {
        r = await gradeSubmission(a, ref, s, { ...opts, name: names[i], hide: [...(opts.hide ?? []), ...others(s)] });
      } catch (e) {
        const name = names[i];
        const msg = `grader crashed: ${(e as Error).message}`;
        r = { name, score: 0, maxScore: 0, error: msg, notebooks: [], checks: [], results: { score: 0, output: msg, tests: [] }, seconds: 0, overheadSeconds: 0, warnings: [] };
      }
      try {
        const dir = path.join(opts.out, r.name);
        writeAtomic(path.join(dir, "results.json"), JSON.stringify(r.results, null, 1) + "\n");
        writeAtomic(path.join(dir, "feedback.html"), feedbackHtml(r));
        await writeCsvRow(opts.out, r);
      } catch (e) {
        console.error(`[grade] writing results for ${r.name} failed: ${(e as Error).message}`);
      }
      (opts.log ?? console.error)(`[grade] ${r.name}: ${r.score} / ${r.maxScore}${r.error ? ` (${r.error})` : ""} in ${r.seconds.toFixed(1)} s`);
      results[i] = r;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs ?? 1) }, worker));
  return results;
}

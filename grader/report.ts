/**
 * Stage 6, report: what a graded submission becomes on disk, for students, TAs and instructors:
 *   OUT/<name>/results.json     Gradescope's autograder format (plain-text outputs)
 *   OUT/<name>/feedback.html    a page to hand back: notebooks, failing cells, every check
 *   OUT/<name>/executed/*.ipynb the notebooks as they ran (outputs capped), for TAs
 *   OUT/grades.csv              one row per submission (replaced on regrade)
 * Hidden tests appear by check name and what went wrong, never with their code or inputs.
 */
import * as fs from "fs";
import * as path from "path";
import { writeAtomic } from "./course";
import { CheckResult, ignoredChecks } from "./pipeline/compare";
import { RunUnit } from "./pipeline/run";

export type { CheckResult } from "./pipeline/compare";
export type { RunUnit } from "./pipeline/run";

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  output_format: "text";
  visibility: "visible" | "hidden" | "after_due_date" | "after_published";
}
export interface GradescopeResults {
  score: number;
  output: string;
  output_format: "text";
  test_output_format: "text";
  test_name_format: "text";
  execution_time?: number;
  tests: GradescopeTest[];
}

export interface SubmissionResult {
  name: string;
  score: number;
  maxScore: number;
  /** the submission could not be graded at all (unpack failed, grader crashed) */
  error?: string;
  /** one record per run unit: each notebook, each hidden test file */
  units: RunUnit[];
  checks: CheckResult[];
  results: GradescopeResults;
  seconds: number;
  /** seconds inside the kernel driver (kernel starts and cells) */
  kernelSeconds: number;
  /** seconds outside it: unpack, validate, sandbox set-up, helper start-up, compare, reports */
  overheadSeconds: number;
  /** about the submission (shown to the student) */
  warnings: string[];
  /** caps in force and caps that could not be applied (for the instructor) */
  sandbox: string[];
  peakMemoryBytes?: number | null;
  /** CPU seconds of the kernels (cgroup accounting): the cost independent of the machine's load */
  cpuSeconds?: number | null;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** What the grader changed in or ignored of a notebook (restored cells, checks of the student's cells). */
function integrityNotes(u: RunUnit): string[] {
  return [...(u.notes ?? []), ...ignoredChecks(u)];
}

function unitSummary(u: RunUnit): { failed: boolean; text: string } | null {
  const bad = u.cells.filter((c) => c.status !== "ok");
  const notes = u.cells.flatMap((c) => (c.notes ?? []).map((n) => `cell ${c.codeIndex}: ${n}`));
  const restored = integrityNotes(u);
  if (!u.problem && !bad.length && !notes.length && !restored.length) return null;
  const lines: string[] = [];
  if (u.problem) lines.push(u.problem);
  lines.push(...restored);
  if (u.cells.length) lines.push(`${u.cells.length - bad.length} of ${u.cells.length} code cells ran without error.`);
  if (u.kind === "notebook") for (const c of bad) lines.push(`cell ${c.codeIndex}: ${c.status}: ${c.error?.name}: ${c.error?.message}`);
  lines.push(...notes);
  return { failed: true, text: lines.join("\n") };
}

/** The Gradescope results.json of a submission. */
export function gradescopeResults(r: Pick<SubmissionResult, "score" | "maxScore" | "error" | "units" | "checks" | "seconds" | "warnings">): GradescopeResults {
  const tests: GradescopeTest[] = [];
  const t = (name: string, score: number, max: number, status: "passed" | "failed", output: string, visibility: GradescopeTest["visibility"]): void => {
    tests.push({ name, score, max_score: max, status, output, output_format: "text", visibility });
  };
  if (r.error) t("Submission", 0, 0, "failed", r.error, "visible");
  for (const w of r.warnings) t("Submission", 0, 0, "failed", w, "visible");
  for (const u of r.units) {
    const s = unitSummary(u);
    if (s) t(`${u.name}: ${u.kind === "hidden" ? "hidden tests" : "notebook"}`, 0, 0, "failed", s.text, u.kind === "hidden" ? "after_published" : "visible");
  }
  for (const c of r.checks)
    t(
      `${c.notebook}: ${c.id}`,
      c.score,
      c.max,
      c.passed ? "passed" : "failed",
      c.message + (c.failingCell ? `\n\nFailing cell (cell ${c.failingCell.codeIndex}):\n${c.failingCell.source}` : ""),
      c.hidden ? "after_published" : "visible",
    );
  return {
    score: r.score,
    output: r.error ? `Grading failed: ${r.error}` : `${r.score} / ${r.maxScore} points`,
    output_format: "text",
    test_output_format: "text",
    test_name_format: "text",
    execution_time: Math.round(r.seconds),
    tests,
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
  const names = Array.from(new Set([...r.units.map((u) => u.name), ...r.checks.map((c) => c.notebook)]));
  for (const nb of names) {
    const u = r.units.find((x) => x.name === nb);
    const hidden = u ? u.kind === "hidden" : nb.startsWith("hidden/");
    parts.push(`<h2>${esc(nb)}${hidden ? " (hidden tests)" : ""}</h2>`);
    if (u?.problem) parts.push(`<p class="fail">${esc(u.problem)}</p>`);
    if (u) for (const n of integrityNotes(u)) parts.push(`<p><i>${esc(n)}</i></p>`);
    if (u && u.cells.length) {
      const bad = u.cells.filter((c) => c.status !== "ok");
      parts.push(`<p>${u.cells.length - bad.length} of ${u.cells.length} code cells ran without error (${u.seconds.toFixed(1)} s).</p>`);
      for (const c of bad)
        parts.push(
          `<details><summary>${hidden ? "a hidden test" : `cell ${c.codeIndex}`}: <b>${esc(c.status)}</b> ${esc(c.error ? `${c.error.name}: ${c.error.message}` : "")}</summary>` +
            `<pre>${esc(hidden ? "(hidden test code is not shown)" : (c.source ?? ""))}</pre></details>`,
        );
      for (const c of u.cells) for (const n of c.notes ?? []) parts.push(`<p><i>${hidden ? "a hidden test" : `cell ${c.codeIndex}`}: ${esc(n)}</i></p>`);
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
export function writeCsvRow(out: string, r: Pick<SubmissionResult, "name" | "score" | "maxScore" | "error">): Promise<void> {
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

/** Writes all of a submission's reports under OUT (replacing an earlier grading's). */
export async function writeReports(out: string, r: SubmissionResult): Promise<void> {
  const dir = path.join(out, r.name);
  writeAtomic(path.join(dir, "results.json"), JSON.stringify(r.results, null, 1) + "\n");
  writeAtomic(path.join(dir, "feedback.html"), feedbackHtml(r));
  const ex = path.join(dir, "executed");
  fs.rmSync(ex, { recursive: true, force: true });
  for (const u of r.units)
    if (u.executed && fs.existsSync(u.executed)) {
      fs.mkdirSync(ex, { recursive: true });
      fs.copyFileSync(u.executed, path.join(ex, u.name));
    }
  await writeCsvRow(out, r);
}

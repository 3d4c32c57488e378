/**
 * `npm run references -- assignment1 [--quick]`: runs the solution notebooks and the hidden tests
 * against the solution lib headless and writes notebooks/<a>/references.json (with --quick:
 * references.quick.json, from CS231N_QUICK=1 runs and the rules' quick overrides): per check id
 * {value, shape, notebook, cell, rule, points}. Rules and points come from the hand-maintained
 * notebooks/<a>/grading.json; a check without a rule or a rule without a check is an error.
 * `--only A.ipynb,hidden` re-runs only those units and keeps the other units' values from the existing
 * references file (e.g. after editing one notebook of a long full-mode assignment).
 */
import * as fs from "fs";
import * as path from "path";
import { Assignment, notebookNames, referencesFor, writeAtomic } from "./course";
import { hasSolutionRegion } from "./graderOwned";
import { Notebook } from "./markers";
import { hiddenSession } from "./pipeline/run";
import { effectiveRule, Rule, RuleSpec, validateRules } from "./rules";
import { runSessions, Session, SessionResult, TRUSTED_LIMITS } from "./runNotebook";
import { directLaunch } from "./sandbox";

export interface ReferencesFile {
  assignment: string;
  quick: boolean;
  generated: string;
  notebooks: string[];
  hidden: string[];
  /**
   * `cell`: the index of the cell that recorded it in the solution notebook or hidden test file;
   * `cellId`: notebooks: that cell's id (grader-owned: only that cell's value counts in a grade)
   */
  checks: Record<string, { value: unknown; shape: number[] | null; notebook: string; cell: number; cellId?: string; rule: Rule; points: number }>;
}

/** The rules of grading.json in force for a mode (quick-mode overrides applied). */
export function loadRules(a: Assignment, quick = false): Record<string, Rule> {
  if (!fs.existsSync(a.gradingFile)) throw new Error(`missing rules file ${a.gradingFile}`);
  const raw = JSON.parse(fs.readFileSync(a.gradingFile, "utf8")) as Record<string, unknown>;
  const problems = validateRules(raw);
  if (problems.length) throw new Error(`${a.gradingFile}: ${problems.join("; ")}`);
  const out: Record<string, Rule> = {};
  for (const [k, v] of Object.entries(raw)) if (!k.startsWith("$")) out[k] = effectiveRule(v as RuleSpec, quick);
  return out;
}

export async function makeReferences(
  a: Assignment,
  opts: { quick?: boolean; timeoutCellSec?: number; only?: string[]; log?: (s: string) => void } = {},
): Promise<ReferencesFile> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const rules = loadRules(a, !!opts.quick);
  const nbs = notebookNames(a);
  const hidden = hiddenSession(a);
  const units = [...nbs, ...(hidden.length ? ["hidden"] : [])];
  const only = opts.only ? opts.only.map((u) => (u === "hidden" || u.endsWith(".ipynb") ? u : `${u}.ipynb`)) : undefined;
  const unknown = (only ?? []).filter((u) => !units.includes(u));
  if (unknown.length) throw new Error(`--only: ${unknown.join(", ")} is not one of ${a.name}'s units (${units.join(", ")})`);
  const rerun = (u: string): boolean => !only || only.includes(u);
  const env: Record<string, string> = opts.quick ? { CS231N_QUICK: "1" } : {};
  const checks: ReferencesFile["checks"] = {};
  if (only) {
    // the units not re-run keep their values from the existing file (same mode)
    const old = loadReferences(a, !!opts.quick);
    for (const [id, c] of Object.entries(old.checks)) if (!rerun(nbs.includes(c.notebook) ? c.notebook : "hidden")) checks[id] = { ...c, rule: rules[id], points: rules[id]?.points ?? 0 };
  }
  const problems: string[] = [];
  const dup: string[] = [];
  const collect = (r: SessionResult): void => {
    if (!r.ok) problems.push(`${r.name}: ${r.error}`);
    for (const c of r.cells.filter((c) => c.status !== "ok"))
      problems.push(`${c.unit ?? r.name} cell ${c.index} ${c.status}: ${c.error?.name}: ${c.error?.message}`);
    const cells = solutionCells(r);
    for (const c of r.checks) {
      const unit = c.unit ?? r.name;
      if (checks[c.id] && (checks[c.id].notebook !== unit || checks[c.id].cell !== c.cell)) dup.push(c.id);
      const rule = rules[c.id];
      let cellId: string | undefined;
      if (cells) {
        const cell = cells[c.cell];
        if (!cell || typeof cell.id !== "string") problems.push(`${unit}: check ${c.id} comes from cell ${c.cell}, which has no id`);
        else if (hasSolutionRegion(cell)) problems.push(`${unit}: check ${c.id} comes from cell ${c.cell} (id ${cell.id}), which holds a solution region: move the check() call into a cell of its own`);
        else cellId = cell.id;
      }
      checks[c.id] = { value: c.value, shape: c.shape ?? null, notebook: unit, cell: c.cell, ...(cellId ? { cellId } : {}), rule, points: rule?.points ?? 0 };
    }
  };
  // a notebook's cells (the solution's, as run), to name the grader-owned cell of each check
  const solutionCells = (r: SessionResult): Notebook["cells"] | undefined =>
    r.name === "hidden" ? undefined : (JSON.parse(fs.readFileSync(path.join(a.notebooksDir, r.name), "utf8")) as Notebook).cells;
  // the hidden tests run as the grader runs them: all files in one kernel
  const sessions: Session[] = nbs.filter(rerun).map((nb) => ({ name: nb, notebook: path.join(a.notebooksDir, nb) }));
  if (hidden.length && rerun("hidden")) sessions.push({ name: "hidden", cells: hidden });
  log(`[references] running ${sessions.map((x) => (x.name === "hidden" ? "the hidden tests" : x.name)).join(", ")}${opts.quick ? " (quick)" : ""}${only ? " (the other units keep their values)" : ""}`);
  const launcher = directLaunch(a.courseRoot, env);
  try {
    const results = await runSessions(sessions, launcher, {
      timeoutCellSec: opts.timeoutCellSec ?? 1800,
      deadline: Date.now() + 6 * 3600 * 1000,
      limits: TRUSTED_LIMITS,
      onProgress: (l) => log(`[references] ${l}`),
    });
    for (const r of results) collect(r);
  } finally {
    launcher.dispose();
  }
  if (problems.length) throw new Error(`solution run failed:\n  ${problems.join("\n  ")}`);
  if (dup.length) throw new Error(`check ids emitted by more than one notebook or cell: ${Array.from(new Set(dup)).join(", ")}`);
  const noRule = Object.keys(checks).filter((id) => !rules[id]);
  const noCheck = Object.keys(rules).filter((id) => !checks[id]);
  const errs: string[] = [];
  if (noRule.length) errs.push(`checks without a rule in ${path.basename(a.gradingFile)}: ${noRule.join(", ")}`);
  if (noCheck.length) errs.push(`rules without a check (never emitted by the solution run): ${noCheck.join(", ")}`);
  if (errs.length) throw new Error(errs.join("\n"));
  const ref: ReferencesFile = {
    assignment: a.name,
    quick: !!opts.quick,
    generated: new Date().toISOString(),
    notebooks: nbs,
    hidden: Array.from(new Set(hidden.map((c) => c.unit))),
    checks,
  };
  const file = referencesFor(a, !!opts.quick);
  writeAtomic(file, JSON.stringify(ref, null, 1) + "\n");
  log(`[references] wrote ${Object.keys(checks).length} checks to ${file}`);
  return ref;
}

/**
 * `npm run references -- <a> --rules-only [--quick]`: re-applies grading.json's rules and points to
 * the existing references file without re-running the notebooks (the values stay). The set of
 * check ids must be unchanged; otherwise regenerate.
 */
export function refreshRules(a: Assignment, opts: { quick?: boolean; log?: (s: string) => void } = {}): ReferencesFile {
  const quick = !!opts.quick;
  const file = referencesFor(a, quick);
  if (!fs.existsSync(file)) throw new Error(`no references to update (${file}): run \`npm run references -- ${a.name}${quick ? " --quick" : ""}\``);
  const ref = JSON.parse(fs.readFileSync(file, "utf8")) as ReferencesFile;
  const rules = loadRules(a, quick);
  const noRule = Object.keys(ref.checks).filter((id) => !rules[id]);
  const noCheck = Object.keys(rules).filter((id) => !ref.checks[id]);
  if (noRule.length || noCheck.length)
    throw new Error(
      `check ids changed (${[...noRule.map((i) => `no rule: ${i}`), ...noCheck.map((i) => `no reference value: ${i}`)].join(", ")}): ` +
        `regenerate with \`npm run references -- ${a.name}${quick ? " --quick" : ""}\``,
    );
  for (const [id, c] of Object.entries(ref.checks)) {
    c.rule = rules[id];
    c.points = rules[id].points;
  }
  writeAtomic(file, JSON.stringify(ref, null, 1) + "\n");
  (opts.log ?? ((s: string) => console.error(s)))(`[references] updated the rules of ${Object.keys(ref.checks).length} checks in ${file}`);
  return ref;
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

/**
 * `npm run references -- assignment1 [--quick]`: runs the solution notebooks and the hidden tests
 * against the solution lib headless and writes notebooks/<a>/references.json (with --quick:
 * references.quick.json, from CS231N_QUICK=1 runs and the rules' quick overrides): per check id
 * {value, shape, notebook, cell, rule, points}. Rules and points come from the hand-maintained
 * notebooks/<a>/grading.json; a check without a rule or a rule without a check is an error.
 */
import * as fs from "fs";
import { Assignment, hiddenTests, notebookNames, referencesFor, writeAtomic } from "./course";
import { effectiveRule, Rule, RuleSpec, validateRules } from "./rules";
import { runCells, runNotebook, RunResult } from "./runNotebook";
import * as path from "path";

export interface ReferencesFile {
  assignment: string;
  quick: boolean;
  generated: string;
  notebooks: string[];
  hidden: string[];
  checks: Record<string, { value: unknown; shape: number[] | null; notebook: string; cell: number; rule: Rule; points: number }>;
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
  opts: { quick?: boolean; timeoutCellSec?: number; log?: (s: string) => void } = {},
): Promise<ReferencesFile> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const rules = loadRules(a, !!opts.quick);
  const env: Record<string, string> = opts.quick ? { CS231N_QUICK: "1" } : {};
  const checks: ReferencesFile["checks"] = {};
  const problems: string[] = [];
  const dup: string[] = [];
  const collect = (r: RunResult, nbName: string): void => {
    if (!r.ok) problems.push(`${nbName}: ${r.error}`);
    for (const c of r.cells.filter((c) => c.status !== "ok"))
      problems.push(`${nbName} cell ${c.index} ${c.status}: ${c.error?.name}: ${c.error?.message}`);
    for (const c of r.checks) {
      if (checks[c.id] && checks[c.id].notebook !== nbName) dup.push(c.id);
      const rule = rules[c.id];
      checks[c.id] = { value: c.value, shape: c.shape ?? null, notebook: nbName, cell: c.cell, rule, points: rule?.points ?? 0 };
    }
  };
  const nbs = notebookNames(a);
  for (const nb of nbs) {
    log(`[references] running ${nb}${opts.quick ? " (quick)" : ""}`);
    collect(await runNotebook(path.join(a.notebooksDir, nb), { root: a.courseRoot, env, timeoutCellSec: opts.timeoutCellSec ?? 1800 }), nb);
  }
  const hidden = hiddenTests(a);
  for (const h of hidden) {
    log(`[references] running ${h.name}`);
    collect(await runCells({ cells: h.cells }, { root: a.courseRoot, env, timeoutCellSec: opts.timeoutCellSec ?? 600 }), h.name);
  }
  if (problems.length) throw new Error(`solution run failed:\n  ${problems.join("\n  ")}`);
  if (dup.length) throw new Error(`check ids emitted by more than one notebook: ${dup.join(", ")}`);
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
    hidden: hidden.map((h) => h.name),
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

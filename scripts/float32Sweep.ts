/**
 * `npm run float32:sweep -- <assignment> [--isa AVX2,SSE41] [--only knn,svm] [--full] [--report]`: how every float32-
 * sensitive check of an assignment moves across CPU instruction sets (policy: grader/float32.ts).
 *
 * The sweep runs the assignment's solution notebooks and hidden tests (quick mode unless --full) once
 * per instruction-set cap (`ONEDNN_MAX_CPU_ISA`, which makes oneDNN's matmul sum as an AVX2 or SSE4.1
 * machine would) and reports per check with a `<=`, `rel` or `abs` rule: the values (`<=`) or the
 * fraction of the tolerance used against the committed references (`rel`/`abs`), the worst over the
 * ISAs and the margin (limit / worst; the policy asks for ≥ 5).
 * Writes artifacts/float32/<assignment>[.full].values.json (raw check values per ISA) and .md (the
 * table); `--report` re-renders the table from the saved values with the current rules and references
 * (after a threshold change) without re-running; `--only` runs just the notebooks (or hidden test files)
 * whose names contain one of the given words, and merges their values into the saved ones. Exit code 1
 * when a margin is below 5.
 * Not part of CI (it runs everything once per ISA); the notebook tests assert the margin on their run.
 */
import * as fs from "fs";
import * as path from "path";
import { assignment, hiddenTests, notebookNames, referencesFor } from "../grader/course";
import { FLOAT32_MARGIN, fractionOfLimit, ISAS } from "../grader/float32";
import { loadRules, ReferencesFile } from "../grader/references";
import { REPO_ROOT, runCells, runNotebook, RunResult } from "../grader/runNotebook";

type Values = Record<string, Record<string, unknown>>; // isa -> check id -> value

async function runAll(name: string, isa: string, quick: boolean, only: string[]): Promise<RunResult[]> {
  const a = assignment(name);
  const env: Record<string, string> = { CS231N_QUICK: quick ? "1" : "0" };
  if (isa !== "native") env.ONEDNN_MAX_CPU_ISA = isa;
  const runs: RunResult[] = [];
  const wanted = (n: string): boolean => only.length === 0 || only.some((w) => n.includes(w));
  for (const nb of notebookNames(a).filter(wanted)) {
    console.error(`[float32] ${isa}: ${nb}`);
    runs.push(await runNotebook(path.join(a.notebooksDir, nb), { env, timeoutCellSec: 3600, timeoutTotalSec: 4 * 3600 }));
  }
  for (const h of hiddenTests(a).filter((t) => wanted(t.name))) {
    console.error(`[float32] ${isa}: ${h.name}`);
    runs.push(await runCells(h.cells, { env, timeoutCellSec: 600 }));
  }
  for (const r of runs) {
    const bad = r.cells.filter((c) => c.status !== "ok");
    if (!r.ok || bad.length) throw new Error(`${isa}: the solution run had problems: ${r.error ?? bad.map((c) => `cell ${c.index} ${c.status} ${c.error?.message}`).join("; ")}`);
  }
  return runs;
}

const fmt = (x: number): string => (Number.isFinite(x) ? (x === 0 ? "0" : x.toExponential(2)) : String(x));

/** The markdown table of a sweep under the current rules and references; also returns the weak ids. */
export function report(name: string, values: Values, quick: boolean): { md: string; weak: string[] } {
  const a = assignment(name);
  const rules = loadRules(a, quick);
  const ref = JSON.parse(fs.readFileSync(referencesFor(a, quick), "utf8")) as ReferencesFile;
  const isas = Object.keys(values);
  const ids = Object.keys(rules).filter((id) => ["<=", "rel", "abs"].includes(rules[id].rule)).sort();
  const lines = [
    `| check | rule | limit | ${isas.join(" | ")} | worst | margin |`,
    `|---|---|---|${isas.map(() => "---").join("|")}|---|---|`,
  ];
  const weak: string[] = [];
  for (const id of ids) {
    const rule = rules[id];
    const limit = rule.rule === "<=" ? rule.threshold : (rule as { tol: number }).tol;
    const fractions = isas.map((isa) => (id in values[isa] ? fractionOfLimit(rule, values[isa][id] as number, ref.checks[id]?.value as number) : NaN));
    const shown = rule.rule === "<=" ? fractions.map((f) => f * limit) : fractions;
    const worst = fractions.some((f) => !(f >= 0)) ? NaN : Math.max(...fractions);
    const margin = 1 / worst;
    if (!(margin >= FLOAT32_MARGIN)) weak.push(id);
    lines.push(`| \`${id}\` | ${rule.rule} | ${fmt(limit)} | ${shown.map(fmt).join(" | ")} | ${fmt(rule.rule === "<=" ? worst * limit : worst)} | ` +
      `${Number.isFinite(margin) ? margin.toFixed(1) : Number.isNaN(margin) ? "?" : "∞"}${margin >= FLOAT32_MARGIN ? "" : " **(< 5)**"} |`);
  }
  const md = `float32 sweep of ${name} (${quick ? "quick" : "full"} mode). Columns per ONEDNN_MAX_CPU_ISA cap ("native" = this CPU). ` +
    `\`<=\` rows show the values; \`rel\`/\`abs\` rows the fraction of the tolerance used against the committed references. ` +
    `Margin = limit / worst (policy: ≥ ${FLOAT32_MARGIN}).\n\n${lines.join("\n")}\n`;
  return { md, weak };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flagValues = new Set(["--isa", "--only"].map((f) => args[args.indexOf(f) + 1]).filter((v, k) => args.indexOf(["--isa", "--only"][k]) >= 0));
  const name = args.find((x) => !x.startsWith("--") && !flagValues.has(x)) ?? "assignment1";
  const quick = !args.includes("--full");
  const i = args.indexOf("--isa");
  const isas = i >= 0 ? ["native", ...args[i + 1].split(",").filter((x) => x && x !== "native")] : [...ISAS];
  const base = path.join(REPO_ROOT, "artifacts", "float32", `${name}${quick ? "" : ".full"}`);
  const j = args.indexOf("--only");
  const only = j >= 0 ? args[j + 1].split(",").filter(Boolean) : [];
  const saved = (): Values => (fs.existsSync(`${base}.values.json`) ? (JSON.parse(fs.readFileSync(`${base}.values.json`, "utf8")) as Values) : {});
  let values: Values;
  if (args.includes("--report")) {
    values = saved();
  } else {
    values = only.length ? saved() : {};
    for (const isa of isas) {
      values[isa] ??= {};
      for (const r of await runAll(name, isa, quick, only)) for (const c of r.checks) values[isa][c.id] = c.value;
    }
    fs.mkdirSync(path.dirname(base), { recursive: true });
    fs.writeFileSync(`${base}.values.json`, JSON.stringify(values) + "\n");
  }
  const { md, weak } = report(name, values, quick);
  fs.writeFileSync(`${base}.md`, md);
  console.log(md);
  if (weak.length) console.log(`margin below ${FLOAT32_MARGIN}: ${weak.join(", ")}`);
  return weak.length ? 1 : 0;
}

if (require.main === module) {
  main().then((c) => process.exit(c), (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  });
}

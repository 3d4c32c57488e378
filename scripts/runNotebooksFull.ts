/**
 * `npm run notebooks:full [-- [assignmentN] [name...]]`: runs an assignment's notebooks (default
 * assignment1; names filter them) top to bottom on the full data (no quick mode) through the real
 * tslab kernel, saves the executed notebooks to artifacts/full/<assignment>/ and writes
 * artifacts/full/<assignment>/summary.md with every check value and each notebook's run time.
 * Not part of CI (it takes a long time); README lists the measured numbers.
 */
import * as fs from "fs";
import * as path from "path";
import { runNotebook } from "../grader/runNotebook";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const assignment = args.length && /^assignment\d+$/.test(args[0]) ? (args.shift() as string) : "assignment1";
  const filter = args;
  const dir = path.join(ROOT, "notebooks", assignment);
  if (!fs.existsSync(dir)) throw new Error(`no such assignment: ${dir}`);
  const OUT = path.join(ROOT, "artifacts", "full", assignment);
  const nbs = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb") && (filter.length === 0 || filter.some((x) => f.includes(x)))).sort();
  if (!nbs.length) throw new Error(`no notebook of ${assignment} matches ${filter.join(", ")}`);
  fs.mkdirSync(OUT, { recursive: true });
  const lines = [`# Full-size notebook runs: ${assignment}`, "", `${new Date().toISOString()}`, ""];
  let failures = 0;
  for (const nb of nbs) {
    console.log(`running ${nb} (full data)...`);
    const t0 = Date.now();
    const r = await runNotebook(path.join(dir, nb), { timeoutCellSec: 3 * 3600, timeoutTotalSec: 6 * 3600, outputNotebook: path.join(OUT, nb), env: { CS231N_QUICK: "0" } });
    const secs = (Date.now() - t0) / 1000;
    const bad = r.cells.filter((c) => c.status !== "ok");
    failures += bad.length + (r.ok ? 0 : 1);
    lines.push(`## ${nb}: ${(secs / 60).toFixed(1)} min, ${r.cells.length} code cells, ${bad.length} not ok`, "");
    for (const c of bad) lines.push(`- cell ${c.index}: ${c.status} ${c.error ? `${c.error.name}: ${c.error.message}` : ""}`);
    for (const c of r.checks) {
      const v = Array.isArray(c.value) ? `(${(c.shape ?? [c.value.length]).join("x")}) ${c.value.slice(0, 4).join(", ")}${c.value.length > 4 ? ", …" : ""}` : String(c.value);
      lines.push(`- \`${c.id}\`: ${v}`);
    }
    lines.push("");
    fs.writeFileSync(path.join(OUT, "summary.md"), lines.join("\n"));
    console.log(`  ${nb}: ${secs.toFixed(0)} s, ${bad.length} cells not ok`);
  }
  console.log(`summary: ${path.relative(ROOT, path.join(OUT, "summary.md"))}`);
  process.exitCode = failures ? 1 : 0;
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 1;
});

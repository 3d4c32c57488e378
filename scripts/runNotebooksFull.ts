/**
 * `npm run notebooks:full [-- [--assignment assignment2] name...]`: runs the assignment notebooks
 * (default assignment1; others write to artifacts/full/<assignment>/) top to bottom on the full data
 * (no quick mode) through the real tslab kernel, saves the executed notebooks to artifacts/full/ and
 * writes artifacts/full/summary.md with every check value and each notebook's run time.
 * Not part of CI (it takes a long time); README lists the measured numbers.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "../grader/runNotebook";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--assignment");
  const name = at >= 0 ? args.splice(at, 2)[1] : "assignment1";
  if (!name || !/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`--assignment needs a name like assignment2, got ${JSON.stringify(name)}`);
  const OUT = name === "assignment1" ? path.join(ROOT, "artifacts", "full") : path.join(ROOT, "artifacts", "full", name);
  const filter = args;
  const dir = path.join(ROOT, "notebooks", name);
  const nbs = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb") && (filter.length === 0 || filter.some((x) => f.includes(x)))).sort();
  fs.mkdirSync(OUT, { recursive: true });
  const lines = ["# Full-size notebook runs", "", `${new Date().toISOString()}`, ""];
  let failures = 0;
  for (const nb of nbs) {
    console.log(`running ${nb} (full data)...`);
    const t0 = Date.now();
    const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(" ");
    const r = await runNotebook(path.join(dir, nb), { timeoutCellSec: 3 * 3600, timeoutTotalSec: 6 * 3600, outputNotebook: path.join(OUT, nb), env: { CS231N_QUICK: "0" } });
    const secs = (Date.now() - t0) / 1000;
    const bad = r.cells.filter((c) => c.status !== "ok");
    failures += bad.length + (r.ok ? 0 : 1);
    const loadAfter = os.loadavg().map((x) => x.toFixed(2)).join(" ");
    lines.push(`## ${nb}: ${(secs / 60).toFixed(1)} min, ${r.cells.length} code cells, ${bad.length} not ok`, "");
    lines.push(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter} (${os.cpus().length} CPUs)`, "");
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

void main();

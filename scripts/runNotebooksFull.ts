/**
 * `npm run notebooks:full [-- [assignmentN] [name...]]`: runs an assignment's notebooks (default
 * assignment1; names filter them) top to bottom on the full data (no quick mode) through the real
 * tslab kernel, saves the executed notebooks to artifacts/full/<assignment>/ and writes
 * artifacts/full/<assignment>/summary.md with every check value and each notebook's run time.
 * The notebooks run in a snapshot copy of lib/ and the notebooks (under .tmp-full/): a tslab kernel
 * watches the files it compiled, and an edit in the working tree during a long run would otherwise
 * break later cells ("Unexpected pending rebuildTimer"). The environment passes through to the
 * kernel (e.g. ONEDNN_MAX_CPU_ISA=AVX2).
 * Not part of CI (it takes a long time); README lists the measured numbers.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "../grader/runNotebook";

const ROOT = path.resolve(__dirname, "..");

/** A copy of the course for the run: lib/ and the assignment's notebooks copied, the runtime linked. */
function snapshot(assignment: string, nbs: string[]): { root: string; dispose: () => void } {
  const root = path.join(ROOT, ".tmp-full", `${assignment}-${process.pid}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, "lib"), path.join(root, "lib"), { recursive: true });
  fs.mkdirSync(path.join(root, "notebooks", assignment), { recursive: true });
  for (const nb of nbs) fs.copyFileSync(path.join(ROOT, "notebooks", assignment, nb), path.join(root, "notebooks", assignment, nb));
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(root, f));
  for (const l of ["node_modules", "datasets"]) fs.symlinkSync(fs.realpathSync(path.join(ROOT, l)), path.join(root, l));
  return { root, dispose: () => fs.rmSync(root, { recursive: true, force: true }) };
}

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
  const isa = process.env.ONEDNN_MAX_CPU_ISA ? ` (ONEDNN_MAX_CPU_ISA=${process.env.ONEDNN_MAX_CPU_ISA})` : "";
  const lines = [`# Full-size notebook runs: ${assignment}${isa}`, "", `${new Date().toISOString()}`, ""];
  const snap = snapshot(assignment, nbs);
  let failures = 0;
  for (const nb of nbs) {
    console.log(`running ${nb} (full data)...`);
    const t0 = Date.now();
    const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(" ");
    const r = await runNotebook(path.join(snap.root, "notebooks", assignment, nb), { root: snap.root, timeoutCellSec: 3 * 3600, timeoutTotalSec: 6 * 3600, outputNotebook: path.join(OUT, nb), env: { CS231N_QUICK: "0" } });
    const secs = (Date.now() - t0) / 1000;
    const loadAfter = os.loadavg().map((x) => x.toFixed(2)).join(" ");
    const bad = r.cells.filter((c) => c.status !== "ok");
    failures += bad.length + (r.ok ? 0 : 1);
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
  snap.dispose();
  console.log(`summary: ${path.relative(ROOT, path.join(OUT, "summary.md"))}`);
  process.exitCode = failures ? 1 : 0;
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 1;
});

/**
 * `npm run bench [-- [--tiny] [--readme] [name...]]`: runs every bench/*.bench.ts (each exports
 * `run(): Promise<BenchResult[]>`), or those whose file name contains one of the names, and prints a
 * table; a result with a target shows PASS/FAIL and the exit code is 1 if any is over its target.
 * Speed targets live here, never in unit tests.
 *   --tiny    tiny sizes and no targets (CS231N_BENCH_SIZE=tiny): the CI smoke run
 *   --readme  the side-by-side table (compare.bench.ts) also replaces README.md's benchmark section
 */
import * as fs from "fs";
import * as path from "path";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** optional target: value must be <= max */
  max?: number;
  note?: string;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  for (const a of args.filter((x) => x.startsWith("-")))
    if (a !== "--tiny" && a !== "--readme") {
      console.error(`npm run bench: unknown option ${a} (use --tiny, --readme and bench names such as compare, cnn, grader)`);
      process.exit(2);
    }
  if (args.includes("--tiny")) process.env.CS231N_BENCH_SIZE = "tiny";
  if (args.includes("--readme")) process.env.CS231N_BENCH_README = "1";
  const only = args.filter((x) => !x.startsWith("-"));
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith(".bench.ts") && (only.length === 0 || only.some((o) => f.includes(o)))).sort();
  const rows: BenchResult[] = [];
  let failed = 0;
  for (const f of files) {
    console.log(`# ${f}`);
    const mod = (await import(path.join(__dirname, f))) as { run: () => Promise<BenchResult[]> };
    for (const r of await mod.run()) {
      rows.push(r);
      const verdict = r.max === undefined ? "" : r.value <= r.max ? `PASS (target <= ${r.max} ${r.unit})` : `FAIL (target <= ${r.max} ${r.unit})`;
      if (r.max !== undefined && r.value > r.max) failed++;
      console.log(`  ${r.name.padEnd(52)} ${r.value.toFixed(r.value < 10 ? 3 : 1).padStart(10)} ${r.unit.padEnd(4)} ${verdict}${r.note ? `  ${r.note}` : ""}`);
    }
  }
  fs.mkdirSync(path.join(__dirname, "..", "artifacts"), { recursive: true });
  fs.writeFileSync(path.join(__dirname, "..", "artifacts", "bench.json"), JSON.stringify(rows, null, 2));
  if (files.length === 0) {
    console.error(`npm run bench: no bench/*.bench.ts matches ${only.join(", ")}`);
    process.exitCode = 2;
    return;
  }
  console.log(`\n${rows.length} measurements, ${failed} over target (artifacts/bench.json)`);
  process.exitCode = failed ? 1 : 0;
}

void main();

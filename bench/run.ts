/**
 * `npm run bench`: runs every bench/*.bench.ts (each exports `run(): Promise<BenchResult[]>`) and
 * prints a table; a result with a target shows PASS/FAIL. Speed targets live here, never in unit tests.
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
  const only = process.argv.slice(2);
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
  console.log(`\n${rows.length} measurements, ${failed} over target (artifacts/bench.json)`);
  process.exitCode = failed ? 1 : 0;
}

void main();

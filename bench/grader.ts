/** `npm run bench:grader` (also part of `npm run bench` via bench/grader.bench.ts; CS231N_BENCH_SIZE=tiny: the fixture only). */
import { run } from "./grader.bench";
run().then(
  (rows) => rows.forEach((r) => console.log(`${r.name.padEnd(72)} ${r.value.toFixed(2).padStart(8)} ${r.unit}${r.max !== undefined ? (r.value <= r.max ? "  PASS" : "  FAIL") + ` (<= ${r.max})` : ""}`)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

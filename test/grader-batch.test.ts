/**
 * A class-sized batch on the fixture assignment: 20 submissions (half zipped, two sharing a file
 * name) graded with --jobs 2. Each has its own expected score (its lib variant plus a partial-credit
 * accuracy unique to it), so a lost, duplicated or swapped result shows up, and every check's score
 * follows from its variant (partial credit: exactly the checks of the implemented functions); the
 * batch reports its progress; then a regrade of two of them must leave grades.csv with one row per
 * submission.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assignment } from "../grader/course";
import { defaultUnits, gradeBatch, submissionNames } from "../grader/grade";
import { busySeconds } from "../grader/pipeline/run";
import { PYTHON } from "../grader/paths";
import { fixtureCourse } from "./helpers/graderCourse";

const STUB_AFFINE = 'export function affine(x: number[][], w: number[][], b: number[]): number[][] {\n  throw new Error("TODO: compute x·W + b");\n}\n';
const STUB_SUM = 'export function sumSquares(v: number[]): number {\n  throw new Error("TODO: implement sumSquares");\n}\n';

describe("grader: 20 submissions with --jobs 2 lose nothing", function () {
  this.timeout(900000);
  let fx: ReturnType<typeof fixtureCourse>;
  before(() => (fx = fixtureCourse("batch")));
  after(() => fx?.cleanup());

  it("names results uniquely even when file names repeat", () => {
    assert.deepEqual(submissionNames(["a/alice.zip", "b/bob", "x/sub.zip", "y/sub.zip", "z/sub", "z/sub"]), [
      "alice",
      "bob",
      "x_sub",
      "y_sub",
      "z_sub_1",
      "z_sub_2",
    ]);
  });

  it("kernels at a time: jobs × units ≤ cores within RAM; busy time counts overlapping sessions once", () => {
    assert.equal(defaultUnits(1, 4096, 1024, 2, 24000), 2);
    assert.equal(defaultUnits(2, 4096, 1024, 2, 24000), 1);
    assert.equal(defaultUnits(1, 4096, 1024, 8, 12000), 2, "RAM for two kernels at the caps");
    assert.equal(defaultUnits(4, 4096, 1024, 2, 4000), 1, "at least one");
    assert.equal(busySeconds([{ started: 10, ended: 20, seconds: 10 }, { started: 12, ended: 25, seconds: 13 }, { started: 30, ended: 31, seconds: 1 }]), 16);
    assert.equal(busySeconds([{ seconds: 0 }]), 0);
  });

  it("every submission gets its own correct results.json, feedback.html and grades.csv row", async () => {
    const nbDir = path.join(fx.course, "notebooks", "fx1");
    const tiny = fs.readFileSync(path.join(fx.course, "lib", "tiny.ts"), "utf8");
    const [affineSrc, sumSrc] = tiny.split(/(?=\/\*\* Sum of squares)/);
    // lib variants: the checks each function decides (affine: basics/affine 2 + hidden/affine_random 2;
    // sumSquares: basics/sum_squares 1 + second/scaled 1 + hidden/sum_squares_random 1 + hidden/more_sum_squares 1)
    const AFFINE = ["basics/affine", "hidden/affine_random"];
    const SUM = ["basics/sum_squares", "second/scaled", "hidden/sum_squares_random", "hidden/more_sum_squares"];
    const variants = [
      { lib: affineSrc + sumSrc, libPoints: 8, failing: [] as string[] },
      { lib: STUB_AFFINE + sumSrc, libPoints: 4, failing: AFFINE },
      { lib: affineSrc + STUB_SUM, libPoints: 4, failing: SUM },
      { lib: STUB_AFFINE + STUB_SUM, libPoints: 0, failing: [...AFFINE, ...SUM] },
    ];
    const subs: string[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 20; i++) {
      const v = variants[i % 4];
      // basics/accuracy (>= 0.5, partial from 0.25, 2 points): i / 10 points
      const acc = 0.25 + (0.25 * i) / 20;
      const folder = i === 18 ? path.join(fx.tmp, "subs", "x") : i === 19 ? path.join(fx.tmp, "subs", "y") : path.join(fx.tmp, "subs");
      const name = i >= 18 ? "submission" : `s${String(i).padStart(2, "0")}`;
      const d = path.join(fx.tmp, "build", `${i}`, name);
      fs.mkdirSync(path.join(d, "notebooks", "fx1"), { recursive: true });
      fs.cpSync(path.join(fx.course, "lib"), path.join(d, "lib"), { recursive: true });
      fs.writeFileSync(path.join(d, "lib", "tiny.ts"), v.lib);
      const basics = fs.readFileSync(path.join(nbDir, "basics.ipynb"), "utf8").replace("accuracy = 0.75;", `accuracy = ${acc};`);
      assert.ok(basics.includes(`accuracy = ${acc};`));
      fs.writeFileSync(path.join(d, "notebooks", "fx1", "basics.ipynb"), basics);
      fs.copyFileSync(path.join(nbDir, "second.ipynb"), path.join(d, "notebooks", "fx1", "second.ipynb"));
      fs.mkdirSync(folder, { recursive: true });
      if (i % 2 === 0) {
        const zip = path.join(folder, `${name}.zip`);
        execFileSync(PYTHON, ["-m", "zipfile", "-c", zip, name], { cwd: path.dirname(d) });
        subs.push(zip);
      } else {
        fs.renameSync(d, path.join(folder, name));
        subs.push(path.join(folder, name));
      }
      expected.push(Math.round((v.libPoints + i / 10) * 100) / 100);
    }
    const out = path.join(fx.tmp, "out");
    const a = assignment("fx1", fx.course);
    const t0 = Date.now();
    const progress: string[] = [];
    const rs = await gradeBatch(a, subs, { out, jobs: 2, timeoutCellSec: 60, memoryMB: 1536, log: (l) => progress.push(l) });
    const secs = (Date.now() - t0) / 1000;
    const per = rs.map((r) => r.seconds);
    console.log(
      `      20 submissions in ${secs.toFixed(0)} s (${(secs / 20).toFixed(1)} s each with 2 jobs; one submission ${Math.min(...per).toFixed(1)}–${Math.max(...per).toFixed(1)} s, ` +
        `overhead beyond the kernel runs ${Math.max(...rs.map((r) => r.overheadSeconds)).toFixed(2)} s at most; ` +
        `kernels' CPU ${rs.reduce((s, r) => s + (r.cpuSeconds ?? 0), 0).toFixed(0)} s in all, load ${os.loadavg()[0].toFixed(1)})`,
    );
    // progress: one line per finished submission, [k/20] name: score/max in S s, ETA
    const lines = progress.filter((l) => /^\[\d+\/20\]/.test(l));
    assert.equal(lines.length, 20, progress.join("\n"));
    lines.forEach((l, k) => assert.match(l, new RegExp(`^\\[${k + 1}/20\\] \\S+: [\\d.]+/10 in \\d+ s${k < 19 ? ", ETA \\d+ (s|min|h \\d+ min)" : ""}$`), l));
    const names = submissionNames(subs);
    assert.equal(rs.length, 20);
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n").slice(1);
    assert.equal(csv.length, 20, csv.join("\n"));
    for (let i = 0; i < 20; i++) {
      const r = rs[i];
      assert.equal(r.name, names[i]);
      assert.equal(r.error, undefined, `${r.name}: ${r.error}`);
      assert.equal(r.score, expected[i], `${r.name}: ${r.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`).join("; ")}`);
      const v = variants[i % 4];
      for (const c of r.checks.filter((c) => c.id !== "basics/accuracy")) assert.equal(c.score, v.failing.includes(c.id) ? 0 : c.max, `${r.name} ${c.id}: ${c.message}`);
      const res = JSON.parse(fs.readFileSync(path.join(out, r.name, "results.json"), "utf8"));
      assert.equal(res.score, expected[i], r.name);
      assert.match(fs.readFileSync(path.join(out, r.name, "feedback.html"), "utf8"), new RegExp(`${r.name}: ${expected[i]} / 10`));
      assert.ok(csv.some((l) => l.startsWith(`${r.name},${expected[i]},10,graded,`)), `${r.name} row`);
    }
    // regrading two submissions (one at a time, all 3 kernels of each side by side) replaces their rows
    // with the same grades, nothing else changes
    const again = await gradeBatch(a, [subs[3], subs[4]], { out, jobs: 1, units: 3, log: () => undefined });
    assert.deepEqual(again.map((r) => r.score), [expected[3], expected[4]]);
    for (const [k, r] of again.entries()) {
      assert.deepEqual(r.units.map((u) => u.name), rs[k + 3].units.map((u) => u.name), "units in their order");
      assert.deepEqual(r.checks.map((c) => [c.id, c.score]), rs[k + 3].checks.map((c) => [c.id, c.score]));
      assert.ok(r.sandbox.some((l) => l === "3 kernels at a time, each with these caps"), r.sandbox.join("; "));
    }
    const csv2 = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n").slice(1);
    assert.equal(csv2.length, 20);
    assert.deepEqual(csv2.map((l) => l.split(",").slice(0, 3).join(",")), csv.map((l) => l.split(",").slice(0, 3).join(",")));
  });
});

/**
 * The hostile corpus (test/fixtures/hostile/build.ts) graded in ONE sandboxed batch with --jobs 3:
 * each case's exact outcome, and every other submission of the batch still graded exactly.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { assignment, hiddenTests } from "../grader/course";
import { gradeBatch, SubmissionResult, writeCsvRow } from "../grader/grade";
import { PYTHON, REPO_ROOT } from "../grader/paths";
import { fmtNum } from "../grader/rules";
import { buildHostile } from "./fixtures/hostile/build";
import { fixtureCourse } from "./helpers/graderCourse";

const ORDER = ["crashy", "snoop", "broken", "good", "badnb", "traversal", "outside", "tamper", "diskfill", "forkbomb", "flood", "bigcheck", "hiddencrash"];
const SECRET = "planted-secret-7f3a9c";
const ENV_SECRET = "grader-env-secret-51d2";

describe("grader: hostile submissions (fixture assignment fx1, sandboxed, one batch)", function () {
  this.timeout(600000);
  let fx: ReturnType<typeof fixtureCourse>;
  let server: http.Server;
  let out: string;
  const by: Record<string, SubmissionResult> = {};
  const check = (r: SubmissionResult, id: string) => {
    const c = r.checks.find((c) => c.id === id);
    assert.ok(c, `no check ${id}`);
    return c!;
  };
  const unit = (r: SubmissionResult, name: string) => {
    const u = r.units.find((u) => u.name === name);
    assert.ok(u, `no unit ${name} in ${r.name}`);
    return u!;
  };
  /** Every file of a submission's reports, as text. */
  const reports = (name: string): Record<string, string> => {
    const files: Record<string, string> = {};
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files[path.relative(out, p)] = fs.readFileSync(p, "utf8");
      }
    };
    walk(path.join(out, name));
    return files;
  };

  before(async () => {
    fx = fixtureCourse("hostile");
    server = http.createServer((_q, s) => s.end("14"));
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    const port = (server.address() as { port: number }).port;
    const planted = path.join(fx.tmp, "planted", "secret.txt");
    fs.mkdirSync(path.dirname(planted), { recursive: true });
    fs.writeFileSync(planted, SECRET);
    out = path.join(fx.tmp, "out");
    const subs = buildHostile(fx.course, path.join(fx.tmp, "subs"), {
      port,
      python: PYTHON,
      planted,
      driver: path.join(REPO_ROOT, "grader", "py", "driver.py"),
      helper: path.join(REPO_ROOT, "grader", "py", "helper.py"),
      out,
      repoRoot: REPO_ROOT,
      nodeModules: fs.realpathSync(path.join(REPO_ROOT, "node_modules")),
    });
    process.env.CS231N_HOSTILE_SECRET = ENV_SECRET;
    const t0 = Date.now();
    try {
      const rs = await gradeBatch(assignment("fx1", fx.course), ORDER.map((k) => subs[k]), {
        out,
        jobs: 3,
        timeoutCellSec: 10,
        timeoutTotalSec: 240,
        memoryMB: 1536,
        diskMB: 64,
        pids: 256,
        log: () => undefined,
      });
      for (const r of rs) by[r.name] = r;
      console.log(
        `      ${rs.length} submissions in ${((Date.now() - t0) / 1000).toFixed(0)} s; ` +
          rs.map((r) => `${r.name} ${r.score}/${r.maxScore} ${r.seconds.toFixed(0)}s (overhead ${r.overheadSeconds.toFixed(1)})`).join(", "),
      );
    } finally {
      delete process.env.CS231N_HOSTILE_SECRET;
    }
  });
  after(() => {
    server?.close();
    fx?.cleanup();
  });

  it("good: full marks, results.json + feedback.html + executed notebooks + csv row", () => {
    const r = by.good;
    assert.equal(r.score, r.maxScore, JSON.stringify(r.checks.filter((c) => !c.passed)));
    assert.equal(r.maxScore, 10);
    const res = JSON.parse(fs.readFileSync(path.join(out, "good", "results.json"), "utf8"));
    assert.equal(res.score, 10);
    assert.equal(res.output_format, "text");
    assert.ok(res.tests.every((t: { visibility: string; status: string; output_format: string }) => t.visibility && t.status === "passed" && t.output_format === "text"));
    assert.match(fs.readFileSync(path.join(out, "good", "feedback.html"), "utf8"), /10 \/ 10/);
    assert.ok(fs.existsSync(path.join(out, "good", "executed", "basics.ipynb")));
    assert.ok(r.sandbox.some((s) => /bubblewrap/.test(s)), r.sandbox.join("; "));
  });

  it("crashy: hung await → interrupted with state kept, infinite loop → restart, process.exit / SIGSEGV → kernel died, memory bomb → OOM; later cells still graded", () => {
    const r = by.crashy;
    const basics = unit(r, "basics.ipynb");
    // the course's cells (import, affine, sum, the student's accuracy cell, its check) with the hostile ones between
    assert.deepEqual(basics.cells.map((c) => c.status), ["ok", "ok", "timeout", "ok", "timeout", "ok", "died", "ok", "died", "ok", "ok"]);
    assert.match(basics.cells[2].error!.message, /interrupted \(the kernel kept its state\)/);
    // a synchronous busy loop: tslab either answers the interrupt or gets restarted; both are timeouts
    assert.match(basics.cells[4].error!.message, /per-cell time limit of 10s (and was interrupted|and did not stop when interrupted; the kernel was restarted)/);
    assert.match(basics.cells[6].error!.message, /exit code 3/);
    assert.match(basics.cells[8].error!.message, /signal 11/);
    assert.deepEqual(basics.notes, []);
    const second = unit(r, "second.ipynb");
    assert.equal(second.cells[0].status, "died");
    assert.equal(second.cells[0].error!.name, "OutOfMemory", JSON.stringify(second.cells[0]));
    assert.match(second.cells[0].error!.message, /memory limit of 1536 MB/);
    assert.equal(r.score, r.maxScore, JSON.stringify(r.checks.filter((c) => !c.passed)));
  });

  it("snoop.zip: cannot read references or the solution lib, no network; forged check() values count nowhere", () => {
    const r = by.snoop;
    const basics = unit(r, "basics.ipynb");
    assert.equal(basics.cells[1].status, "error", "the references must not be readable");
    assert.match(basics.cells[1].error!.message, /ENOENT|no such file/);
    assert.match(check(r, "basics/affine").message, /TODO: compute x·W \+ b/);
    assert.equal(basics.cells[2].status, "error");
    assert.match(basics.cells[2].error!.message, /fetch failed|ECONNREFUSED|ENETUNREACH/);
    assert.equal(basics.cells[3].status, "error", "the solution lib must not be readable");
    assert.match(basics.cells[3].error!.message, /ENOENT/);
    for (const id of ["hidden/affine_random", "hidden/sum_squares_random", "hidden/more_sum_squares"]) {
      assert.equal(check(r, id).score, 0);
      assert.match(check(r, id).message, /TODO/);
    }
    // its own cells' values don't count, and its edit of the course's affine cell was undone
    assert.equal(r.score, 0);
    assert.match(check(r, "basics/sum_squares").message, /TODO: implement sumSquares/);
    assert.match(check(r, "second/scaled").message, /TODO: implement sumSquares/);
    assert.ok(basics.notes!.some((n) => /is the course's and had been edited: the course's version ran instead/.test(n)), basics.notes!.join("\n"));
    assert.ok(basics.notes!.some((n) => /is the course's and was missing: it was put back/.test(n)));
    const fb = fs.readFileSync(path.join(out, "snoop", "feedback.html"), "utf8");
    assert.match(fb, /code cell 5 is yours and recorded basics\/accuracy, hidden\/affine_random, hidden\/sum_squares_random, hidden\/more_sum_squares, basics\/sum_squares: only the course's check cells count/);
  });

  it("broken: wrong shape, missing function, type error each get a clear message", () => {
    const r = by.broken;
    assert.match(check(r, "basics/affine").message, /expected shape \(2, 3\), got shape \(3, 2\)/);
    assert.match(check(r, "basics/sum_squares").message, /sumSquares/);
    const cells = unit(r, "basics.ipynb").cells;
    assert.match(cells[3].error!.message, /not assignable/);
    assert.match(check(r, "basics/accuracy").message, /cell 5 failed: TypeScriptError: .*accuracy/);
    assert.match(check(r, "hidden/affine_random").message, /expected shape \(4, 5\), got shape \(5, 4\)/);
    assert.equal(r.score, 0);
  });

  it("badnb: non-JSON and nbformat-3 notebooks fail per notebook; hidden tests still run", () => {
    const r = by.badnb;
    assert.match(unit(r, "basics.ipynb").problem!, /not JSON/);
    assert.match(unit(r, "second.ipynb").problem!, /nbformat 3/);
    assert.equal(check(r, "hidden/affine_random").score, 2);
    const res = JSON.parse(fs.readFileSync(path.join(out, "badnb", "results.json"), "utf8"));
    const info = res.tests.find((t: { name: string }) => t.name === "basics.ipynb: notebook");
    assert.ok(info && info.status === "failed" && info.max_score === 0 && /not JSON/.test(info.output), JSON.stringify(info));
    assert.equal(r.score, 4);
  });

  it("traversal.zip: rejected, nothing written outside, batch continued", () => {
    const r = by.traversal;
    assert.match(r.error!, /unsafe entry path/);
    assert.ok(!fs.existsSync(path.join(fx.tmp, "evil.txt")) && !fs.existsSync("/tmp/abs.txt"));
    const res = JSON.parse(fs.readFileSync(path.join(out, "traversal", "results.json"), "utf8"));
    assert.equal(res.tests[0].status, "failed");
  });

  it("outside: a planted file, /etc/shadow, another repository, the grader's home don't exist for the kernel; its environment is not the grader's", () => {
    const r = by.outside;
    const cells = unit(r, "basics.ipynb").cells;
    for (let i = 1; i < 5; i++) {
      assert.equal(cells[i].status, "error", `cell ${i + 1}`);
      assert.match(cells[i].error!.message, /ENOENT: no such file or directory/, `cell ${i + 1}`);
    }
    assert.equal(cells[5].status, "ok");
    assert.equal(r.score, 10, JSON.stringify(r.checks.filter((c) => !c.passed)));
    const all = Object.values(reports("outside")).join("\n");
    assert.ok(all.includes('"CS231N_QUICK"') || all.includes("TF_CPP_MIN_LOG_LEVEL"), "the environment cell's output is in the executed notebook");
    assert.ok(!all.includes(SECRET), "the planted file leaked");
    assert.ok(!all.includes(ENV_SECRET), "the grader's environment leaked");
  });

  it("tamper: the driver, helper, results, runtime, connection file and its own lib can't be written; the release still grades 0 with everything run", () => {
    const r = by.tamper;
    const basics = unit(r, "basics.ipynb");
    assert.equal(basics.cells[0].error?.message, "tamper: ENOENT,ENOENT,ENOENT,EROFS,EROFS,EROFS");
    const nbCode = (f: string): number => JSON.parse(fs.readFileSync(path.join(fx.tmp, "subs", "tamper", "notebooks", "fx1", f), "utf8")).cells.filter((c: { cell_type: string }) => c.cell_type === "code").length;
    assert.equal(basics.cells.length, nbCode("basics.ipynb"));
    assert.equal(unit(r, "second.ipynb").cells.length, nbCode("second.ipynb"));
    for (const h of hiddenTests(assignment("fx1", fx.course))) {
      const u = unit(r, h.name);
      assert.equal(u.cells.length, h.cells.length, h.name);
      assert.ok(u.cells.slice(h.setup ? 1 : 0).every((c) => c.status === "error" && /TODO/.test(c.error!.message)), h.name);
    }
    assert.equal(r.score, 0, JSON.stringify(r.checks.filter((c) => c.passed)));
    assert.ok(fs.readFileSync(path.join(REPO_ROOT, "grader", "py", "driver.py"), "utf8").length > 1000);
  });

  it("diskfill: the writable space (cwd and /tmp together) is capped with a clear message; later cells graded", () => {
    const r = by.diskfill;
    const cells = unit(r, "basics.ipynb").cells;
    for (const c of cells.slice(1, 3)) {
      assert.equal(c.status, "error");
      assert.match(c.error!.message, /ENOSPC.*\(the notebook's writable space is limited to 64 MB\)/s);
    }
    assert.equal(r.score, 10, JSON.stringify(r.checks.filter((c) => !c.passed)));
  });

  it("forkbomb: stopped at the process cap within seconds, kernel restarted, later cells graded", () => {
    const r = by.forkbomb;
    const c = unit(r, "basics.ipynb").cells[2];
    assert.equal(c.status, "died");
    assert.equal(c.error!.name, "ProcessLimit", JSON.stringify(c));
    assert.match(c.error!.message, /too many processes or threads \(the limit is 256\); the kernel was restarted/);
    assert.ok(c.seconds < 10, `took ${c.seconds} s`);
    assert.equal(r.score, 10, JSON.stringify(r.checks.filter((c) => !c.passed)));
  });

  it("flood: 120 MB of output cost seconds, not the cell timeout; stored output truncated with a note; the kernel kept its state", () => {
    const r = by.flood;
    const cells = unit(r, "basics.ipynb").cells;
    assert.deepEqual(cells.map((c) => c.status), ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]);
    const m = /^\[output truncated: (\d+\.\d) MB dropped\]$/.exec(cells[2].notes?.[0] ?? "");
    assert.ok(m && Number(m[1]) > 90 && Number(m[1]) < 107, JSON.stringify(cells[2]));
    assert.ok(cells[2].seconds < 10 && cells[3].seconds < 10, `${cells[2].seconds} s, ${cells[3].seconds} s`);
    const executed = fs.readFileSync(path.join(out, "flood", "executed", "basics.ipynb"), "utf8");
    assert.ok(executed.length < 11e6, `executed notebook ${executed.length} bytes`);
    assert.ok(executed.includes("[output truncated: "));
    assert.match(fs.readFileSync(path.join(out, "flood", "feedback.html"), "utf8"), /output truncated/);
    assert.equal(r.score, 10, JSON.stringify(r.checks.filter((c) => !c.passed)));
  });

  it("bigcheck: an oversized check() fails with id, size and limit; a forged oversized record is refused; 1,000×1,000 works", () => {
    const r = by.bigcheck;
    const cells = unit(r, "basics.ipynb").cells;
    assert.equal(cells[4].status, "error");
    assert.match(cells[4].error!.message, /check\(bigcheck\/huge\): the value is too large to record: 9,000,000 elements \(shape 3000×3000\); the limit is 1,000,000 elements/);
    assert.deepEqual(cells[5].notes, ["check(basics/sum_squares): the value is too large to record: 1,000,001 elements; the limit is 1,000,000 elements"]);
    const million = unit(r, "basics.ipynb").checks.find((c) => c.id === "bigcheck/million");
    assert.ok(million, "the 1,000×1,000 check was recorded");
    assert.deepEqual(million!.shape, [1000, 1000]);
    assert.equal((million!.value as number[]).length, 1e6);
    assert.equal((million!.value as number[])[1001], 0);
    assert.equal(r.score, 10, JSON.stringify(r.checks.filter((c) => !c.passed)));
  });

  it("hiddencrash: a hidden test that kills the kernel fails only its own check (one kernel for all hidden tests)", () => {
    const r = by.hiddencrash;
    assert.equal(check(r, "hidden/affine_random").score, 0);
    assert.match(check(r, "hidden/affine_random").message, /^the hidden test crashed the kernel: KernelDied/);
    for (const id of ["hidden/sum_squares_random", "hidden/more_sum_squares"]) assert.ok(check(r, id).passed, `${id}: ${check(r, id).message}`);
    assert.equal(r.score, 8);
  });

  it("hidden tests stay hidden: no report of any submission holds their code or expected values", () => {
    const a = assignment("fx1", fx.course);
    const lines = hiddenTests(a)
      .flatMap((h) => h.cells.join("\n").split("\n"))
      .map((l) => l.trim())
      .filter((l) => l.length > 12 && !l.startsWith("//") && !l.startsWith("import"));
    assert.ok(lines.length >= 6, lines.join("\n"));
    const ref = JSON.parse(fs.readFileSync(a.referencesFile, "utf8"));
    const values = Object.entries(ref.checks as Record<string, { value: unknown }>)
      .filter(([id]) => id.startsWith("hidden/"))
      .flatMap(([, c]) => (Array.isArray(c.value) ? c.value : [c.value]) as number[])
      .flatMap((v) => [String(v), fmtNum(v)])
      .filter((s) => s.replace(/[-.]/g, "").length >= 5);
    assert.ok(values.length >= 10);
    for (const name of ORDER) {
      for (const [file, text] of Object.entries(reports(name))) {
        for (const l of lines) assert.ok(!text.includes(l), `${file} shows hidden test code: ${l}`);
        for (const v of values) assert.ok(!text.includes(v), `${file} shows a hidden expected value: ${v}`);
      }
    }
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8");
    for (const l of lines) assert.ok(!csv.includes(l));
  });

  it("grades.csv has one row per submission and regrading replaces the row", async () => {
    const rows = () => fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    assert.equal(rows().length, ORDER.length + 1);
    await writeCsvRow(out, { ...by.good, score: 1 });
    assert.equal(rows().length, ORDER.length + 1);
    assert.ok(rows().some((l) => l.startsWith("good,1,10,")));
  });
});

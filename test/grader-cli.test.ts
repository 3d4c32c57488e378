/**
 * The grader's command line on bad input: strict parsing (unknown flags, bad or missing values exit
 * 2 with the usage line) and a missing submission path named before anything is graded (exit 1).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, UsageError } from "../grader/cli";
import { REPO_ROOT } from "../grader/paths";

const cli = (args: string[]) =>
  spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join(REPO_ROOT, "grader", "cli.ts"), ...args], { cwd: REPO_ROOT, encoding: "utf8" });

describe("grader: command line", function () {
  this.timeout(120000);
  let tmp = "";
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-cli-"))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("a bad value exits 2 with the usage line (process)", () => {
    const p = cli(["grade", "--jobs", "abc", tmp]);
    assert.equal(p.status, 2, p.stderr);
    assert.match(p.stderr, /error: --jobs must be a whole number ≥ 1, got "abc"\nusage: grade <submission>\.\.\. \[--assignment NAME\]/);
  });

  it("a missing submission is named before anything is graded: exit 1, no output (process)", () => {
    const out = path.join(tmp, "grades");
    const p = cli(["grade", tmp, path.join(tmp, "nope.zip"), "--out", out]);
    assert.equal(p.status, 1, p.stderr);
    assert.match(p.stderr, new RegExp(`error: submission not found: ${path.join(tmp, "nope.zip").replace(/[.]/g, "\\.")} \\(nothing was graded\\)`));
    assert.ok(!fs.existsSync(out));
  });

  const usage = async (args: string[], why: RegExp): Promise<void> => {
    await assert.rejects(main(args, () => undefined), (e: Error) => {
      assert.ok(e instanceof UsageError, `${e.constructor.name}: ${e.message}`);
      assert.match(e.message, why);
      return true;
    });
  };

  it("unknown flags, missing values, wrong counts and unknown commands are usage errors", async () => {
    await usage(["grade", "--quik", tmp], /Unknown option '--quik'[\s\S]*usage: grade /);
    await usage(["grade", tmp, "--memory"], /--memory[\s\S]*argument missing[\s\S]*usage: grade /);
    await usage(["grade", tmp, "--memory", "12"], /--memory must be a whole number ≥ 64, got "12"/);
    await usage(["grade", tmp, "--timeout-cell=-5"], /--timeout-cell must be a whole number ≥ 1, got "-5"/);
    await usage(["grade", tmp, "--jobs", "0"], /--jobs must be a whole number ≥ 1, got "0"/);
    await usage(["grade", tmp, "--disk", "1.5"], /--disk must be a whole number ≥ 1, got "1.5"/);
    await usage(["grade"], /no submission given\nusage: grade /);
    await usage(["release"], /the assignment is missing\nusage: release /);
    await usage(["release", "a", "b"], /one assignment expected, got 2/);
    await usage(["references", "assignment1", "--rules"], /Unknown option '--rules'/);
    await usage(["frobnicate"], /unknown command "frobnicate"/);
    await usage([], /no command given/);
  });
});

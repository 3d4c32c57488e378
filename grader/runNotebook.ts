/**
 * Executes a notebook headless with the real tslab kernel and records each cell's fate.
 *
 * The kernel protocol is spoken by grader/nbrun.py (jupyter_client, from the project's .venv; see
 * its docstring for why not nbclient). This module spawns it, optionally inside a sandbox command
 * prefix (bubblewrap + cgroup, see grader/sandbox.ts), and returns a typed result.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PYTHON = path.join(REPO_ROOT, ".venv", "bin", "python");
export const NBRUN_PY = path.join(REPO_ROOT, "grader", "nbrun.py");

export type CellStatus = "ok" | "error" | "timeout" | "died" | "aborted";
export interface CellOutcome {
  /** index in the notebook's cells (markdown included) */
  index: number;
  /** 1-based index among code cells */
  codeIndex: number;
  status: CellStatus;
  seconds: number;
  source: string;
  error?: { name: string; message: string };
}
export type CheckScalar = number | string | boolean;
export interface CheckRecord {
  id: string;
  value: CheckScalar | CheckScalar[];
  shape?: number[] | null;
  /** index of the notebook cell that emitted it */
  cell: number;
}
export interface RunResult {
  /** false when the run itself failed (kernel never started, helper crashed) */
  ok: boolean;
  error?: string;
  cells: CellOutcome[];
  checks: CheckRecord[];
  checksById: Record<string, CheckRecord>;
  restarts: number;
  seconds: number;
}
export interface RunOptions {
  /** project/bundle root the kernel runs in (imports "./lib/index" resolve there); default: the repo */
  root?: string;
  /** extra environment for the kernel, e.g. {CS231N_QUICK: "1"} */
  env?: Record<string, string>;
  timeoutCellSec?: number;
  timeoutTotalSec?: number;
  /** write the executed notebook here */
  outputNotebook?: string;
  /** command prefix wrapping the python helper (sandbox), e.g. ["bwrap", ...] */
  wrap?: string[];
  /** directory for the temporary result file (must be writable inside the sandbox) */
  tmpDir?: string;
  /** path of nbrun.py to use (a copy inside the sandbox's work dir) */
  nbrunPath?: string;
  /** environment for the helper process itself */
  helperEnv?: NodeJS.ProcessEnv;
}

function finish(raw: Omit<RunResult, "checksById">): RunResult {
  const checksById: Record<string, CheckRecord> = {};
  for (const c of raw.checks) checksById[c.id] = c; // the last emission of an id wins
  return { ...raw, checksById };
}

/** Runs either a notebook file or a list of code cell sources (hidden tests). */
export async function runCells(
  input: { notebook: string } | { cells: string[] },
  opts: RunOptions = {},
): Promise<RunResult> {
  const tmp = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), "nbrun-"));
  const resultPath = path.join(tmp, "result.json");
  const cfg = {
    notebook: "notebook" in input ? path.resolve(input.notebook) : null,
    cells: "cells" in input ? input.cells : null,
    root: path.resolve(opts.root ?? REPO_ROOT),
    env: opts.env ?? {},
    timeout_cell: opts.timeoutCellSec ?? 120,
    timeout_total: opts.timeoutTotalSec ?? 3600,
    result: resultPath,
    output_notebook: opts.outputNotebook ? path.resolve(opts.outputNotebook) : null,
  };
  const argv = [...(opts.wrap ?? []), PYTHON, opts.nbrunPath ?? NBRUN_PY];
  const t0 = Date.now();
  // Hard stop for the helper itself: total timeout plus start-up and shutdown slack.
  const hardMs = (cfg.timeout_total + 90) * 1000;
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const p = spawn(argv[0], argv.slice(1), {
      cwd: cfg.root,
      env: { ...process.env, ...(opts.helperEnv ?? {}) },
      stdio: ["pipe", "ignore", "pipe"],
      detached: true,
    });
    let err = "";
    p.stderr!.on("data", (d: Buffer) => {
      if (err.length < 20000) err += d.toString();
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-p.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, hardMs);
    p.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stderr: String(e) });
    });
    p.on("close", (c) => {
      clearTimeout(timer);
      resolve({ code: c, stderr: err });
    });
    p.stdin!.end(JSON.stringify(cfg));
  });
  let raw: Omit<RunResult, "checksById">;
  try {
    const r = JSON.parse(fs.readFileSync(resultPath, "utf8"));
    raw = { ok: r.ok, error: r.error, cells: r.cells, checks: r.checks, restarts: r.restarts ?? 0, seconds: r.seconds };
  } catch {
    raw = {
      ok: false,
      error: `notebook runner failed (exit ${code}): ${stderr.trim().split("\n").slice(-8).join("\n")}`,
      cells: [],
      checks: [],
      restarts: 0,
      seconds: (Date.now() - t0) / 1000,
    };
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return finish(raw);
}

export function runNotebook(notebookPath: string, opts: RunOptions = {}): Promise<RunResult> {
  return runCells({ notebook: notebookPath }, opts);
}

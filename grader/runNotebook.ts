/**
 * Executes notebooks and cell lists headless with the real tslab kernel and records each cell's fate.
 *
 * The kernel protocol is spoken by grader/py/driver.py (see its docstring), reached through the one
 * Python boundary (grader/python.ts). A *session* is one kernel's plan: a notebook file, or a list of
 * cells (the hidden tests of an assignment, each cell tagged with the test file it came from).
 * `runSessions` runs several in one helper process; `runNotebook` is the simple form for tests.
 */
import * as path from "path";
import { callPython } from "./python";
import { directLaunch, Launcher } from "./sandbox";
import { REPO_ROOT } from "./paths";
export { REPO_ROOT, PYTHON } from "./paths";

export type CellStatus = "ok" | "error" | "timeout" | "died" | "aborted";
export interface CellOutcome {
  /** index in the notebook's cells (markdown included); for hidden tests, in the test file's cells */
  index: number;
  /** 1-based index among code cells */
  codeIndex: number;
  status: CellStatus;
  seconds: number;
  /** the cell's code (notebook cells only: hidden test code never leaves the run stage) */
  source?: string;
  error?: { name: string; message: string };
  /** e.g. "[output truncated: 598.3 MB dropped]", a refused oversized check */
  notes?: string[];
  /** hidden tests: the test file (unit) the cell belongs to */
  unit?: string;
}
export type CheckScalar = number | string | boolean;
export interface CheckRecord {
  id: string;
  value: CheckScalar | CheckScalar[];
  shape?: number[] | null;
  /** index of the cell that emitted it */
  cell: number;
  /** hidden tests: the test file (unit) of that cell */
  unit?: string;
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

/** A cell of a cell-list session (hidden tests). `setup` cells are re-run after a kernel restart. */
export interface SessionCell {
  source: string;
  unit: string;
  index: number;
  codeIndex: number;
  setup?: boolean;
}
export type Session = { name: string; notebook: string; outputNotebook?: string } | { name: string; cells: SessionCell[] };
export interface SessionResult extends Omit<RunResult, "checksById"> {
  name: string;
  /** when the driver began (kernel start) and finished this session, seconds since the epoch */
  started?: number;
  ended?: number;
}

/** Caps on what a run stores (driver-side; the defaults are the grader's). */
export interface OutputLimits {
  /** bytes of output kept per cell (default 1 MB) */
  outputCell?: number;
  /** bytes of output kept per notebook (default 10 MB) */
  outputNotebook?: number;
}

export interface RunSessionsOptions {
  timeoutCellSec?: number;
  /** wall-clock deadline (ms since epoch) for all sessions together */
  deadline?: number;
  limits?: OutputLimits & { diskMB?: number };
  onProgress?: (line: string) => void;
}

interface RawSession {
  name: string;
  ok: boolean;
  error?: string;
  cells: CellOutcome[];
  checks: CheckRecord[];
  restarts: number;
  seconds: number;
  started?: number;
  ended?: number;
}

export async function runSessions(sessions: Session[], launcher: Launcher, opts: RunSessionsOptions = {}): Promise<SessionResult[]> {
  const deadline = opts.deadline ?? Date.now() + 3600 * 1000;
  const req = {
    sessions: sessions.map((s) =>
      "notebook" in s
        ? { name: s.name, notebook: path.resolve(s.notebook), output_notebook: s.outputNotebook ? path.resolve(s.outputNotebook) : null }
        : { name: s.name, cells: s.cells },
    ),
    launch: launcher.launch,
    probes: launcher.probes,
    members: launcher.members,
    timeout_cell: opts.timeoutCellSec ?? 600,
    deadline: deadline / 1000,
    limits: { output_cell: opts.limits?.outputCell, output_notebook: opts.limits?.outputNotebook, disk_mb: opts.limits?.diskMB },
  };
  // hard stop for the helper: the deadline plus start-up and shutdown slack
  const res = await callPython<{ sessions: RawSession[] }>("run", req, {
    onProgress: opts.onProgress,
    timeoutMs: Math.max(0, deadline - Date.now()) + 120000,
  });
  return res.sessions.map((r) => ({ name: r.name, ok: r.ok, error: r.error, cells: r.cells, checks: r.checks, restarts: r.restarts, seconds: r.seconds, started: r.started, ended: r.ended }));
}

function withIndex(r: SessionResult): RunResult {
  const checksById: Record<string, CheckRecord> = {};
  for (const c of r.checks) checksById[c.id] = c; // the last emission of an id wins
  return { ok: r.ok, error: r.error, cells: r.cells, checks: r.checks, checksById, restarts: r.restarts, seconds: r.seconds };
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
}

/** Output kept by direct runs of trusted code (tests, tools): generous, but still bounded. */
export const TRUSTED_LIMITS: OutputLimits = { outputCell: 64e6, outputNotebook: 256e6 };

/** Runs one session directly (no sandbox) in `opts.root`. */
async function runOne(s: Session, opts: RunOptions): Promise<RunResult> {
  const launcher = directLaunch(path.resolve(opts.root ?? REPO_ROOT), opts.env ?? {});
  try {
    const [r] = await runSessions([s], launcher, {
      timeoutCellSec: opts.timeoutCellSec ?? 120,
      deadline: Date.now() + (opts.timeoutTotalSec ?? 3600) * 1000,
      limits: TRUSTED_LIMITS,
    });
    return withIndex(r);
  } catch (e) {
    return { ok: false, error: (e as Error).message, cells: [], checks: [], checksById: {}, restarts: 0, seconds: 0 };
  } finally {
    launcher.dispose();
  }
}

export function runNotebook(notebookPath: string, opts: RunOptions = {}): Promise<RunResult> {
  return runOne({ name: path.basename(notebookPath), notebook: notebookPath, outputNotebook: opts.outputNotebook }, opts);
}

/** Runs a list of code cells (one unit) directly; for tests and tools. */
export function runCells(cells: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runOne({ name: "cells", cells: cells.map((source, i) => ({ source, unit: "cells", index: i, codeIndex: i + 1 })) }, opts);
}

/**
 * Stage 4, run: every valid notebook in its own fresh kernel, then all hidden tests of the
 * assignment in ONE kernel (each test file's first chunk is its setup, re-run after a restart;
 * each cell only fails its own checks), all in the sandbox and under one deadline. The result is
 * one record per run unit (a notebook, or a hidden test file) holding its cells and checks;
 * hidden test code is dropped here, so no later stage can show it.
 */
import * as fs from "fs";
import * as path from "path";
import { Assignment, hiddenTests } from "../course";
import { CellOutcome, CheckRecord, runSessions, Session, SessionCell, SessionResult } from "../runNotebook";
import { directLaunch, Launcher, makeSandbox } from "../sandbox";
import { RestoredNotebook } from "./restore";

export interface RunUnit {
  /** "knn.ipynb", or "hidden/knn" for grader/hidden/<a>/knn.ts */
  name: string;
  kind: "notebook" | "hidden";
  /** why the unit has no (complete) run: invalid or missing notebook, kernel failed to start, time */
  problem?: string;
  cells: CellOutcome[];
  checks: CheckRecord[];
  seconds: number;
  /** the executed notebook (outputs capped), for the report */
  executed?: string;
  /** notebooks: index → cell id of the grader-owned cells (pipeline/restore.ts); only their checks count */
  gradedCells?: Record<number, string>;
  /** notebooks: what the restore stage changed, for the report */
  notes?: string[];
}

export interface RunOptions {
  root: string;
  work: string;
  /** absolute deadline (ms since epoch) for the whole submission */
  deadline: number;
  timeoutCellSec: number;
  env: Record<string, string>;
  sandbox: boolean;
  diskMB: number;
  memoryMB: number;
  pids: number;
  /** host dirs the kernel may read (the dataset) */
  readOnly: string[];
  outputCellBytes?: number;
  outputNotebookBytes?: number;
  /** how many units (kernels) run at a time (default 1) */
  units?: number;
  log: (s: string) => void;
}

export interface RunStage {
  units: RunUnit[];
  /** wall seconds with at least one kernel session in the driver (kernel starts + cells) */
  kernelSeconds: number;
  peakMemoryBytes: number | null;
  /** CPU seconds of the kernels (cgroup accounting), if known */
  cpuSeconds: number | null;
  /** caps in force, and caps that could not be applied */
  applied: string[];
  warnings: string[];
}

/** The hidden tests of an assignment as one session's cells, tagged with their files. */
export function hiddenSession(a: Assignment): SessionCell[] {
  const cells: SessionCell[] = [];
  for (const h of hiddenTests(a))
    h.cells.forEach((source, i) => cells.push({ source, unit: h.name, index: i, codeIndex: i + 1, setup: i === 0 && h.setup }));
  return cells;
}

export async function runUnits(a: Assignment, notebooks: RestoredNotebook[], o: RunOptions): Promise<RunStage> {
  const units: RunUnit[] = notebooks.map((n) => ({
    name: n.name,
    kind: "notebook",
    problem: n.problem,
    cells: [],
    checks: [],
    seconds: 0,
    gradedCells: n.gradedCells,
    notes: n.notes,
  }));
  const hidden = hiddenSession(a);
  const hiddenNames = Array.from(new Set(hidden.map((c) => c.unit)));
  for (const h of hiddenNames) units.push({ name: h, kind: "hidden", cells: [], checks: [], seconds: 0 });
  const sessions: Session[] = [];
  const executedDir = path.join(o.work, "executed");
  fs.mkdirSync(executedDir, { recursive: true });
  for (const n of notebooks) if (n.path) sessions.push({ name: n.name, notebook: n.path, outputNotebook: path.join(executedDir, n.name) });
  if (hidden.length) sessions.push({ name: "hidden", cells: hidden });
  // `units` kernels at a time, each in its own slot: its own sandbox launch (connection file,
  // sockets, tmpfs) and its own cgroups, so every running kernel has the full memory/process caps and
  // emptying one kernel's groups never touches another's. Results keep the sessions' order.
  const width = Math.max(1, Math.min(o.units ?? 1, sessions.length));
  const slots: Launcher[] = [];
  try {
    for (let i = 0; i < width; i++) {
      const dir = width === 1 ? o.work : path.join(o.work, `slot${i}`);
      fs.mkdirSync(dir, { recursive: true });
      slots.push(
        o.sandbox
          ? makeSandbox({ root: o.root, work: dir, diskMB: o.diskMB, memoryMB: o.memoryMB, pids: o.pids, env: o.env, readOnly: o.readOnly })
          : directLaunch(o.root, o.env),
      );
    }
    const applied = o.sandbox ? [...slots[0].applied] : ["NO SANDBOX (--no-sandbox): the kernel can read and write everything this user can"];
    if (width > 1) applied.push(`${width} kernels at a time, each with these caps`);
    const results: SessionResult[] = new Array(sessions.length);
    let next = 0;
    const worker = async (slot: Launcher): Promise<void> => {
      while (next < sessions.length) {
        const i = next++;
        const [r] = await runSessions([sessions[i]], slot, {
          timeoutCellSec: o.timeoutCellSec,
          deadline: o.deadline,
          limits: { outputCell: o.outputCellBytes, outputNotebook: o.outputNotebookBytes, diskMB: o.sandbox ? o.diskMB : undefined },
          onProgress: o.log,
        });
        results[i] = r;
      }
    };
    // every worker finishes before the slots are disposed, even when one helper failed
    const failed = (await Promise.allSettled(slots.map(worker))).find((w): w is PromiseRejectedResult => w.status === "rejected");
    if (failed) throw failed.reason;
    for (const r of results) {
      if (r.name === "hidden") {
        for (const u of units.filter((u) => u.kind === "hidden")) {
          u.cells = r.cells.filter((c) => c.unit === u.name).map(({ source: _drop, ...c }) => c);
          u.checks = r.checks.filter((c) => c.unit === u.name);
          u.seconds = u.cells.reduce((s, c) => s + c.seconds, 0);
          if (!r.ok) u.problem = r.error;
        }
        continue;
      }
      const u = units.find((x) => x.name === r.name)!;
      u.cells = r.cells;
      u.checks = r.checks;
      u.seconds = r.seconds;
      if (!r.ok) u.problem = r.error;
      const ex = path.join(executedDir, r.name);
      if (fs.existsSync(ex)) u.executed = ex;
    }
    const known = <T>(xs: (T | null)[]): T[] => xs.filter((x): x is T => x !== null);
    const peaks = known(slots.map((l) => l.peakBytes()));
    const cpus = known(slots.map((l) => l.cpuSeconds()));
    return {
      units,
      kernelSeconds: busySeconds(results),
      peakMemoryBytes: peaks.length ? Math.max(...peaks) : null,
      cpuSeconds: cpus.length ? cpus.reduce((a, b) => a + b, 0) : null,
      applied,
      warnings: Array.from(new Set(slots.flatMap((l) => l.warnings))),
    };
  } finally {
    for (const l of slots) l.dispose();
  }
}

/**
 * Wall seconds during which at least one session was in the driver (kernel starts + cells): the union
 * of the sessions' [started, ended] intervals, so sessions that run side by side are counted once.
 */
export function busySeconds(results: Pick<SessionResult, "started" | "ended" | "seconds">[]): number {
  const iv = results
    .map((r) => (r.started !== undefined && r.ended !== undefined ? [r.started, r.ended] : [0, r.seconds]))
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [s, e] = [NaN, NaN];
  for (const [a, b] of iv) {
    if (!(a <= e)) {
      if (e > s) total += e - s;
      [s, e] = [a, b];
    } else e = Math.max(e, b);
  }
  if (e > s) total += e - s;
  return total;
}

/**
 * Stage 6, compare: every reference check against what the unit it belongs to recorded (a value
 * emitted by any other notebook never counts, so a notebook can't fake hidden ids; in a notebook
 * only its grader-owned cells' values count, so a student's cell can't record a check), outside the
 * kernel. A missing value is explained by the cell that should have made it. Hidden checks are
 * explained without their test's code, inputs or expected values.
 */
import { ReferencesFile } from "../references";
import { compare, Value } from "../rules";
import { CellOutcome, CheckRecord } from "../runNotebook";
import { RunUnit } from "./run";

export interface CheckResult {
  id: string;
  /** the unit it belongs to: a notebook name or "hidden/<file>" */
  notebook: string;
  hidden: boolean;
  score: number;
  max: number;
  passed: boolean;
  message: string;
  /** a visible notebook's cell that failed to produce the value (never set for hidden checks) */
  failingCell?: { codeIndex: number; source: string; status: string; error: { name: string; message: string } };
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

function describe(c: CellOutcome): string {
  const what = c.status === "error" ? "failed" : c.status === "died" ? "crashed the kernel" : c.status === "timeout" ? "timed out" : `was ${c.status}`;
  return `${what}: ${c.error?.name}: ${c.error?.message}`;
}

/** Why `id` has no value, and the cell to blame (visible notebooks only). */
function missingReason(id: string, rc: { cell: number; cellId?: string }, u: RunUnit, fatal?: string): { reason: string; cell?: CellOutcome } {
  if (fatal && !u.cells.length) return { reason: `not graded: ${fatal}` };
  if (u.problem && !u.cells.length) return { reason: `not graded: ${u.problem}` };
  if (!u.cells.length) return { reason: `not graded: ${u.name} was not run` };
  const hidden = u.kind === "hidden";
  // the cell that should have emitted it: the grader-owned cell the references name, else the
  // (grader-owned, else any) cell naming the id, else the reference's position
  const graded = u.gradedCells ?? {};
  const names = (c: CellOutcome): boolean => c.source !== undefined && [`"${id}"`, `'${id}'`, `\`${id}\``].some((q) => c.source!.includes(q));
  const named = hidden
    ? undefined
    : (u.cells.find((c) => rc.cellId !== undefined && graded[c.index] === rc.cellId) ??
      u.cells.find((c) => graded[c.index] !== undefined && names(c)) ??
      u.cells.find(names));
  const at = named ? named.index : rc.cell;
  const own = u.cells.find((c) => c.index === at && c.status !== "ok");
  const first = u.cells.find((c) => c.status !== "ok" && c.index <= at);
  const bad = own ?? first ?? (hidden ? undefined : u.cells.find((c) => c.status !== "ok"));
  const refused = u.cells.flatMap((c) => c.notes ?? []).find((n) => n.startsWith(`check(${id})`));
  if (refused) return { reason: `no value recorded: ${refused}` };
  if (!bad) {
    if (u.problem) return { reason: `not graded: ${u.problem}` };
    if (hidden) return { reason: "the hidden test recorded no value" };
    const mine = u.checks.find((c) => c.id === id && !counts(u, c, rc.cellId));
    const mineAt = mine && u.cells.find((c) => c.index === mine.cell)?.codeIndex;
    if (mine) return { reason: `no value from the course's check cell; only code cell ${mineAt ?? "?"}, which is not the course's, recorded one (it does not count)` };
    return { reason: "no value was recorded for this check" };
  }
  if (hidden) return { reason: `the hidden test ${clip(describe(bad), 400)}` };
  const note = own && first && first !== own ? ` (first failure in this notebook: cell ${first.codeIndex}: ${first.error?.name}: ${first.error?.message})` : "";
  return { reason: `no value recorded; cell ${bad.codeIndex} ${describe(bad)}${note}`, cell: bad };
}

/**
 * Whether a recorded check counts: any check of a hidden test unit; in a notebook only one emitted
 * by a grader-owned cell (pipeline/restore.ts) — the one that records it in the solution when the
 * references name it (`cellId`). A check the student's own cells emit never counts.
 */
function counts(u: RunUnit, c: CheckRecord, cellId?: string): boolean {
  if (u.kind === "hidden") return true;
  const owner = u.gradedCells?.[c.cell];
  return owner !== undefined && (cellId === undefined || owner === cellId);
}

/** Notes on checks a notebook's own (student) cells emitted: they don't count. */
export function ignoredChecks(u: RunUnit): string[] {
  if (u.kind === "hidden") return [];
  const byCell = new Map<number, string[]>();
  for (const c of u.checks.filter((c) => u.gradedCells?.[c.cell] === undefined)) byCell.set(c.cell, [...(byCell.get(c.cell) ?? []), c.id]);
  return Array.from(byCell, ([cell, ids]) => {
    const code = u.cells.find((x) => x.index === cell)?.codeIndex;
    const list = Array.from(new Set(ids));
    return `code cell ${code ?? "?"} is yours and recorded ${list.slice(0, 5).join(", ")}${list.length > 5 ? ` and ${list.length - 5} more` : ""}: only the course's check cells count`;
  });
}

export function compareChecks(ref: ReferencesFile, units: RunUnit[], fatal?: string): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [id, rc] of Object.entries(ref.checks)) {
    const u: RunUnit = units.find((x) => x.name === rc.notebook) ?? {
      name: rc.notebook,
      kind: rc.notebook.startsWith("hidden/") ? "hidden" : "notebook",
      cells: [],
      checks: [],
      seconds: 0,
    };
    const hidden = u.kind === "hidden";
    const got: CheckRecord | undefined = u.checks.filter((c) => c.id === id && counts(u, c, rc.cellId)).pop();
    let reason: string | undefined;
    let cell: CellOutcome | undefined;
    if (!got) ({ reason, cell } = missingReason(id, rc, u, fatal));
    const v = compare(rc.rule, { value: rc.value as Value, shape: rc.shape }, got ? { value: got.value as Value, shape: got.shape } : undefined, reason, {
      hideExpected: hidden,
    });
    out.push({
      id,
      notebook: rc.notebook,
      hidden,
      ...v,
      failingCell: cell && !hidden ? { codeIndex: cell.codeIndex, source: cell.source ?? "", status: cell.status, error: cell.error ?? { name: "", message: "" } } : undefined,
    });
  }
  return out;
}

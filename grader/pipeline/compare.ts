/**
 * Stage 5, compare: every reference check against what the unit it belongs to recorded (a value
 * emitted by any other notebook never counts, so a notebook can't fake hidden ids), outside the
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
function missingReason(id: string, refCell: number, u: RunUnit, fatal?: string): { reason: string; cell?: CellOutcome } {
  if (fatal && !u.cells.length) return { reason: `not graded: ${fatal}` };
  if (u.problem && !u.cells.length) return { reason: `not graded: ${u.problem}` };
  if (!u.cells.length) return { reason: `not graded: ${u.name} was not run` };
  const hidden = u.kind === "hidden";
  // the cell that should have emitted it: the one naming the id, else the reference's position
  const named = hidden ? undefined : u.cells.find((c) => c.source !== undefined && [`"${id}"`, `'${id}'`, `\`${id}\``].some((q) => c.source!.includes(q)));
  const at = named ? named.index : refCell;
  const own = u.cells.find((c) => c.index === at && c.status !== "ok");
  const first = u.cells.find((c) => c.status !== "ok" && c.index <= at);
  const bad = own ?? first ?? (hidden ? undefined : u.cells.find((c) => c.status !== "ok"));
  const refused = u.cells.flatMap((c) => c.notes ?? []).find((n) => n.startsWith(`check(${id})`));
  if (refused) return { reason: `no value recorded: ${refused}` };
  if (!bad) {
    if (u.problem) return { reason: `not graded: ${u.problem}` };
    return { reason: hidden ? "the hidden test recorded no value" : "no value was recorded for this check (was the check cell deleted or changed?)" };
  }
  if (hidden) return { reason: `the hidden test ${clip(describe(bad), 400)}` };
  const note = own && first && first !== own ? ` (first failure in this notebook: cell ${first.codeIndex}: ${first.error?.name}: ${first.error?.message})` : "";
  return { reason: `no value recorded; cell ${bad.codeIndex} ${describe(bad)}${note}`, cell: bad };
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
    const got: CheckRecord | undefined = u.checks.filter((c) => c.id === id).pop();
    let reason: string | undefined;
    let cell: CellOutcome | undefined;
    if (!got) ({ reason, cell } = missingReason(id, rc.cell, u, fatal));
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

/**
 * Test helper: run a notebook headless with the real tslab kernel (grader/runNotebook.ts).
 *
 *   const r = await runNotebook("notebooks/assignment1/knn.ipynb", { env: { CS231N_QUICK: "1" } });
 *   r.cells.filter((c) => c.status !== "ok")   // each: {index, status, error?: {name, message}}
 *   r.checksById["knn/dists_two_loops"].value
 */
import { runNotebook as run, CellOutcome, CheckRecord } from "../../grader/runNotebook";
export type { CellOutcome, CheckRecord } from "../../grader/runNotebook";

export async function runNotebook(
  path: string,
  opts: { env?: Record<string, string>; timeoutCellSec?: number; root?: string; outputNotebook?: string } = {},
): Promise<{ cells: CellOutcome[]; checks: CheckRecord[]; checksById: Record<string, CheckRecord> }> {
  const r = await run(path, opts);
  if (!r.ok) throw new Error(`runNotebook(${path}): ${r.error}`);
  return { cells: r.cells, checks: r.checks, checksById: r.checksById };
}

/**
 * What belongs to the grader, not the student (nbgrader's locked cells are the model).
 *
 * Cells: every code cell of a solution notebook that holds no solution region is **grader-owned**:
 * provided code or a check. It is identified by its nbformat cell `id` (the solution notebooks carry
 * stable, unique ids). Every `check(...)` call sits in a grader-owned cell (a test enforces it for
 * every assignment: `checkPlacementProblems`). The release keeps the ids and marks these cells
 * read-only for JupyterLab (`metadata.editable: false`, `deletable: false`) with the course's marker
 * `metadata.cs231n.grader_owned: true`. At grading time they are rebuilt from the release
 * (pipeline/restore.ts) and a check counts only when a grader-owned cell emitted it.
 *
 * Lib files: a file of the release without solution regions is **provided** (tf.ts, check.ts,
 * display.ts, data.ts, …) and is taken from the course's release at grading time, never from the
 * submission.
 *
 * Both are derived from the solution sources with the release's own stripping (grader/markers.ts),
 * so the release and the grader can't disagree.
 */
import * as fs from "fs";
import * as path from "path";
import { Assignment } from "./course";
import { Notebook, stripNotebook } from "./markers";
import { assignmentOrder, releaseLibFile } from "./ownership";

/** The course's key in cell metadata. */
export const MARKER = "cs231n";
export type Cell = Notebook["cells"][number];

export const cellSource = (c: Cell): string => (Array.isArray(c.source) ? c.source.join("") : String(c.source ?? ""));

/** A code cell of a *solution* notebook with a `// BEGIN SOLUTION` region (the student's to write). */
export function hasSolutionRegion(c: Cell): boolean {
  return c.cell_type === "code" && /^\s*\/\/\s*BEGIN SOLUTION\b/m.test(cellSource(c));
}

/** Whether a cell of a *release* notebook is marked grader-owned. */
export function isMarkedGraderOwned(c: Cell): boolean {
  const m = (c.metadata ?? {})[MARKER] as { grader_owned?: unknown } | undefined;
  return c.cell_type === "code" && !!m && m.grader_owned === true;
}

const CHECK_CALL = /\bcheck\s*\(/;

/**
 * Problems with a solution notebook's cells: a missing or repeated cell id, or a `check(...)` call
 * in a cell that also holds a solution region (split the cell: the check goes into a cell of its
 * own, with a fresh id, so that the grader can own it).
 */
export function checkPlacementProblems(nb: Notebook, where: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  nb.cells.forEach((c, i) => {
    const id = typeof c.id === "string" ? c.id : "";
    if (!id) problems.push(`${where}: cell ${i} has no id (nbformat 4.5 cell ids identify grader-owned cells)`);
    else if (seen.has(id)) problems.push(`${where}: cell ${i} repeats the id ${id}`);
    seen.add(id);
    if (hasSolutionRegion(c) && CHECK_CALL.test(cellSource(c)))
      problems.push(`${where}: cell ${i} (id ${id}) calls check() and holds a solution region; move the check() calls into a cell of their own`);
  });
  return problems;
}

function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

/**
 * The release version of a solution notebook: solutions stripped and outputs cleared (markers.ts),
 * grader-owned cells marked read-only, student cells editable. Throws when cell ids are missing or
 * repeated (ownership needs them).
 */
export function releaseNotebook(solution: Notebook, where = "<notebook>"): { nb: Notebook; regions: number } {
  const idProblems = checkPlacementProblems(solution, where).filter((p) => !p.includes("check()"));
  if (idProblems.length) throw new Error(idProblems.join("; "));
  const owned = new Set(solution.cells.filter((c) => c.cell_type === "code" && !hasSolutionRegion(c)).map((c) => c.id as string));
  const { nb, regions } = stripNotebook(solution, where);
  for (const c of nb.cells) {
    const meta = { ...(c.metadata ?? {}) };
    delete meta[MARKER];
    delete meta.editable;
    delete meta.deletable;
    if (owned.has(c.id as string)) Object.assign(meta, { editable: false, deletable: false, [MARKER]: { grader_owned: true } });
    c.metadata = meta;
  }
  return { nb, regions };
}

/** The release version of the assignment's notebook `name` (e.g. "knn.ipynb"). */
export function releasedNotebook(a: Assignment, name: string): { nb: Notebook; regions: number } {
  return releaseNotebook(readNotebook(path.join(a.notebooksDir, name)), path.join("notebooks", a.name, name));
}

export interface ReleasedFile {
  /** path below the course root, e.g. "lib/check.ts" */
  rel: string;
  text: string;
  /** solution regions stripped: 0 for a provided file */
  regions: number;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((x, y) => x.name.localeCompare(y.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Every lib .ts file of the assignment's release, solution regions stripped: the files of this and
 * earlier assignments (a later assignment's files and regions are left out, grader/ownership.ts).
 * `keepSolutions`: the same files solved (what a student who finished the assignment submits).
 */
export function releasedLib(a: Assignment, opts: { keepSolutions?: boolean } = {}): ReleasedFile[] {
  const order = assignmentOrder(a.courseRoot);
  return walk(a.libDir)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => {
      const rel = path.relative(a.courseRoot, f);
      const r = releaseLibFile(fs.readFileSync(f, "utf8"), a.name, order, rel, opts);
      return r ? [{ rel, text: r.text, regions: r.regions }] : [];
    });
}

/**
 * Stage 4, restore: what is the grader's comes from the course's release, not from the submission
 * (nbgrader's OverwriteCells is the model; grader/graderOwned.ts says what is the grader's).
 *
 *   lib       every provided file (no solution region) is the release's copy; a missing student
 *             file gets the release's unimplemented version, so the other notebooks still run;
 *   notebooks each valid notebook is rebuilt: grader-owned cells take the release's source and
 *             place (edited ones are overwritten, deleted ones put back, moved ones returned),
 *             the student's cells stay as written, in the release's order, with the cells the
 *             student added after the cell they follow.
 *
 * Every change is a message for the report. The rebuilt notebook records which of its cells are
 * grader-owned: only checks those cells emit count (pipeline/compare.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { Assignment } from "../course";
import { Cell, cellSource, isMarkedGraderOwned, releasedLib, releasedNotebook } from "../graderOwned";
import { Notebook } from "../markers";
import { ValidNotebook } from "./validate";

export interface RestoredNotebook extends ValidNotebook {
  /** index in the rebuilt notebook → cell id, for its grader-owned cells */
  gradedCells?: Record<number, string>;
  /** what was restored, for the report */
  notes: string[];
}

export interface Restored {
  notebooks: RestoredNotebook[];
  /** about the submission's lib/ (shown with the submission's warnings) */
  warnings: string[];
}

export interface RebuiltNotebook {
  nb: Notebook;
  gradedCells: Record<number, string>;
  notes: string[];
}

/** Trailing blanks don't count as an edit (editors strip them). */
const norm = (s: string): string => s.replace(/[ \t]+$/gm, "").replace(/\s+$/, "");
const firstLine = (c: Cell): string => {
  const l = cellSource(c).split("\n").find((x) => x.trim()) ?? "";
  const t = l.trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
};

/**
 * The longest chain of matched cells already in the release's order (heaviest increasing
 * subsequence: a grader-owned cell weighs more than all student cells together, so a move is
 * blamed on as few grader-owned cells as possible). Returns the positions (in `rs`) of the chain.
 */
function inOrder(rs: number[], weight: (r: number) => number): Set<number> {
  const best = rs.map((r) => weight(r));
  const prev = rs.map(() => -1);
  for (let i = 0; i < rs.length; i++)
    for (let j = 0; j < i; j++)
      if (rs[j] < rs[i] && best[j] + weight(rs[i]) > best[i]) {
        best[i] = best[j] + weight(rs[i]);
        prev[i] = j;
      }
  let end = -1;
  for (let i = 0; i < rs.length; i++) if (end < 0 || best[i] > best[end]) end = i;
  const keep = new Set<number>();
  for (let i = end; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}

/** Rebuilds a submitted notebook around the release's grader-owned cells (pure; see the module doc). */
export function rebuildNotebook(release: Notebook, submitted: Notebook): RebuiltNotebook {
  const R = release.cells;
  const S = Array.isArray(submitted.cells) ? submitted.cells : [];
  const owned = R.map(isMarkedGraderOwned);
  const rById = new Map<string, number>();
  R.forEach((c, i) => rById.set(String(c.id), i));
  const rMatch = R.map(() => -1);
  const sMatch = S.map(() => -1);
  const notes: string[] = [];
  // by id; a repeated id is the student's copy (it runs as their cell)
  S.forEach((c, s) => {
    const r = typeof c.id === "string" ? rById.get(c.id) : undefined;
    if (r !== undefined && rMatch[r] < 0) [rMatch[r], sMatch[s]] = [s, r];
  });
  // cells without an id (nbformat < 4.5): by their text
  const idless = S.filter((c) => typeof c.id !== "string").length;
  if (idless) {
    S.forEach((c, s) => {
      if (typeof c.id === "string") return;
      const r = R.findIndex((rc, i) => rMatch[i] < 0 && rc.cell_type === c.cell_type && norm(cellSource(rc)) === norm(cellSource(c)));
      if (r >= 0) [rMatch[r], sMatch[s]] = [s, r];
    });
    notes.push(`${idless} of its cells have no cell id (saved by an old Jupyter?): they were matched to the course's cells by their text`);
  }
  const matched = S.map((_, s) => s).filter((s) => sMatch[s] >= 0);
  const chain = inOrder(
    matched.map((s) => sMatch[s]),
    (r) => (owned[r] ? R.length + 1 : 1),
  );
  const moved = new Set(matched.filter((_, k) => !chain.has(k)).map((s) => sMatch[s]));
  // each added cell follows the matched cell before it in the submission (or opens the notebook)
  const after = new Map<number, number[]>();
  let anchor = -1;
  S.forEach((_, s) => {
    if (sMatch[s] >= 0) anchor = sMatch[s];
    else after.set(anchor, [...(after.get(anchor) ?? []), s]);
  });
  type Out = { cell: Cell; r?: number; what?: "deleted" | "edited" | "moved" | "student-moved" };
  const out: Out[] = [];
  const used = new Set<string>(R.map((c) => String(c.id)));
  let fresh = 0;
  const added = (s: number): Out => {
    const c = { ...S[s] };
    if (typeof c.id !== "string" || used.has(c.id) || !/^[A-Za-z0-9_-]{1,64}$/.test(c.id)) {
      do c.id = `student-${++fresh}`;
      while (used.has(c.id as string));
    }
    used.add(c.id as string);
    return { cell: c };
  };
  for (const s of after.get(-1) ?? []) out.push(added(s));
  R.forEach((rc, r) => {
    const s = rMatch[r];
    if (owned[r]) {
      const what = s < 0 ? "deleted" : S[s].cell_type !== rc.cell_type || norm(cellSource(S[s])) !== norm(cellSource(rc)) ? "edited" : moved.has(r) ? "moved" : undefined;
      out.push({ cell: { ...rc, metadata: { ...(rc.metadata ?? {}) }, outputs: [], execution_count: null }, r, what });
    } else if (s >= 0) {
      out.push({ cell: { ...S[s], id: rc.id }, r, what: moved.has(r) && rc.cell_type === "code" ? "student-moved" : undefined });
    }
    if (s >= 0) for (const x of after.get(r) ?? []) out.push(added(x));
  });
  const gradedCells: Record<number, string> = {};
  let code = 0;
  out.forEach((o, i) => {
    if (o.cell.cell_type === "code") code++;
    if (o.r !== undefined && owned[o.r]) gradedCells[i] = String(o.cell.id);
    const which = `code cell ${code} ("${firstLine(o.cell)}")`;
    if (o.what === "deleted") notes.push(`${which} is the course's and was missing: it was put back`);
    if (o.what === "edited") notes.push(`${which} is the course's and had been edited: the course's version ran instead (changes to the course's cells are not graded)`);
    if (o.what === "moved") notes.push(`${which} is the course's and had been moved: it ran at its place`);
    if (o.what === "student-moved") notes.push(`${which}, your cell, had been moved: it ran at its place in the release (cells you added after it moved with it)`);
  });
  const nb: Notebook = {
    ...submitted,
    metadata: release.metadata,
    nbformat: 4,
    nbformat_minor: Math.max(5, release.nbformat_minor),
    cells: out.map((o) => o.cell),
  };
  return { nb, gradedCells, notes };
}

/** Provided lib files from the release; missing student files as the release's stubs. */
export function restoreLib(a: Assignment, root: string): string[] {
  const warnings: string[] = [];
  for (const f of releasedLib(a)) {
    const dest = path.join(root, f.rel);
    const st = fs.lstatSync(dest, { throwIfNoEntry: false });
    const mine = st?.isFile() ? fs.readFileSync(dest, "utf8") : undefined;
    if (f.regions === 0) {
      if (mine === undefined) warnings.push(`${f.rel} was missing from the submission: the course's copy was used`);
      else if (mine !== f.text) warnings.push(`${f.rel} is provided by the course and had been changed: the course's copy was used (changes to provided files are not graded)`);
    } else if (mine === undefined) {
      warnings.push(`${f.rel} was missing from the submission: its unimplemented release version was used`);
    } else continue;
    if (st && !st.isFile()) fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, f.text);
  }
  return warnings;
}

export function restore(a: Assignment, root: string, notebooks: ValidNotebook[], work: string): Restored {
  const warnings = restoreLib(a, root);
  const dir = path.join(work, "restored");
  fs.mkdirSync(dir, { recursive: true });
  const out = notebooks.map((n): RestoredNotebook => {
    if (!n.path) return { ...n, notes: [] };
    let submitted: Notebook;
    try {
      submitted = JSON.parse(fs.readFileSync(n.path, "utf8")) as Notebook;
    } catch (e) {
      return { name: n.name, problem: `${n.name} could not be read: ${(e as Error).message}`, notes: [] };
    }
    const r = rebuildNotebook(releasedNotebook(a, n.name).nb, submitted);
    const file = path.join(dir, n.name);
    fs.writeFileSync(file, JSON.stringify(r.nb, null, 1) + "\n");
    return { name: n.name, path: file, gradedCells: r.gradedCells, notes: r.notes };
  });
  return { notebooks: out, warnings };
}

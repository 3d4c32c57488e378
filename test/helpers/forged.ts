/**
 * Forged submissions of an assignment, built from its student release and its references file (the
 * forger's best case: the exact reference values):
 *   edited — the untouched release lib; every notebook cell that records a check is rewritten to
 *            record the reference values with check() (the cell keeps its id and place);
 *   mime   — the untouched release lib and notebooks plus one cell of the student's own at the end
 *            of each notebook that emits the check MIME bundle with the reference values itself.
 *   timer  — the untouched release lib and notebooks plus one cell of its own after the first cell
 *            that starts a timer emitting the bundles every few milliseconds, hoping that a record
 *            lands while a grader-owned cell runs (what the grader can't rule out: see grader/README.md).
 * A grade must not credit `edited` or `mime` with any notebook check (test/grader-assignment1.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import type { Notebook } from "../../grader/markers";
import type { ReferencesFile } from "../../grader/references";

export type Forgery = "edited" | "mime" | "timer";

type Flat = number | string | boolean;
type Nested = Flat | Nested[];

/** The nested array of `shape` holding `flat` in row-major order. */
function nest(flat: Flat[], shape: number[]): Nested {
  if (shape.length <= 1) return flat;
  const step = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
}

const src = (c: { source: string | string[] }): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** The ids of `refs` recorded by each notebook, grouped by the release cell that records them. */
function idsByCell(nb: Notebook, ids: string[], refCell: (id: string) => number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const id of ids) {
    const named = nb.cells.findIndex((c) => c.cell_type === "code" && src(c).includes(`"${id}"`));
    const at = named >= 0 ? named : refCell(id);
    out.set(at, [...(out.get(at) ?? []), id]);
  }
  return out;
}

/** Writes the release `releaseDir` forged in the ways `kinds` into `dest` (lib/ + notebooks/<a>/). */
export function buildForged(releaseDir: string, refs: ReferencesFile, dest: string, kinds: Forgery[]): string {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(path.join(releaseDir, "lib"), path.join(dest, "lib"), { recursive: true });
  const nbDir = path.join(dest, "notebooks", refs.assignment);
  fs.mkdirSync(nbDir, { recursive: true });
  for (const name of refs.notebooks) {
    const nb = JSON.parse(fs.readFileSync(path.join(releaseDir, "notebooks", refs.assignment, name), "utf8")) as Notebook;
    const ids = Object.keys(refs.checks).filter((id) => refs.checks[id].notebook === name);
    const value = (id: string): Nested => {
      const r = refs.checks[id];
      return Array.isArray(r.value) && r.shape ? nest(r.value as Flat[], r.shape) : (r.value as Nested);
    };
    if (kinds.includes("edited")) {
      for (const [at, cellIds] of idsByCell(nb, ids, (id) => refs.checks[id].cell)) {
        const cell = nb.cells[at];
        cell.source = ['import { check } from "./lib/index";', ...cellIds.map((id) => `check(${JSON.stringify(id)}, ${JSON.stringify(value(id))});`)].join("\n");
        cell.outputs = [];
      }
    }
    const bundles = ids.map((id) => {
      const r = refs.checks[id];
      const rec = { id, value: r.value, ...(r.shape ? { shape: r.shape } : {}) };
      return `displayBundle({ "text/plain": "check ${id}", "application/vnd.cs231n.check+json": ${JSON.stringify(rec)} });`;
    });
    if (kinds.includes("timer"))
      nb.cells.splice(1, 0, {
        cell_type: "code",
        id: "forged-timer",
        metadata: {},
        execution_count: null,
        outputs: [],
        source: ['import { displayBundle } from "./lib/index";', "setInterval(() => {", ...bundles.map((b) => `  ${b}`), "}, 5);"].join("\n"),
      });
    if (kinds.includes("mime")) {
      nb.cells.push({
        cell_type: "code",
        id: "forged-mime",
        metadata: {},
        execution_count: null,
        outputs: [],
        source: ['import { displayBundle } from "./lib/index";', ...bundles].join("\n"),
      });
    }
    fs.writeFileSync(path.join(nbDir, name), JSON.stringify(nb, null, 1) + "\n");
  }
  return dest;
}

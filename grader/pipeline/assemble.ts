/**
 * Stage 2, assemble: the kernel's root for one submission — the student's lib/ (regular files only:
 * symlinks and node_modules are dropped), the course's package.json/tsconfig.json — and where each
 * of the assignment's notebooks is in the submission (they may sit at the top, in notebooks/, or in
 * notebooks/<assignment>/, possibly below one wrapping folder).
 */
import * as fs from "fs";
import * as path from "path";
import { Assignment } from "../course";
import { REPO_ROOT } from "../paths";

export interface Assembled {
  /** host dir: lib/, package.json, tsconfig.json, node_modules (a link, for unsandboxed runs) */
  root: string;
  /** notebook name → its file in the submission, or null when missing */
  notebooks: Record<string, string | null>;
  warnings: string[];
}

/** The directory that holds lib/ or the notebooks (descending through single wrapping folders). */
function findRoot(dir: string, nbNames: string[]): string {
  const hasStuff = (d: string): boolean => fs.existsSync(path.join(d, "lib")) || nbNames.some((n) => fs.existsSync(path.join(d, n)) || fs.existsSync(path.join(d, "notebooks")));
  if (hasStuff(dir)) return dir;
  const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "__MACOSX");
  if (subs.length === 1) return findRoot(path.join(dir, subs[0].name), nbNames);
  return dir;
}

function findNotebook(root: string, a: Assignment, name: string): string | null {
  for (const c of [path.join(root, "notebooks", a.name, name), path.join(root, name), path.join(root, "notebooks", name)])
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return null;
}

export function assemble(a: Assignment, notebookNames: string[], submissionDir: string, work: string): Assembled {
  const warnings: string[] = [];
  const src = findRoot(submissionDir, notebookNames);
  const root = path.join(work, "root");
  fs.mkdirSync(root, { recursive: true });
  if (fs.existsSync(path.join(src, "lib")) && fs.statSync(path.join(src, "lib")).isDirectory())
    fs.cpSync(path.join(src, "lib"), path.join(root, "lib"), {
      recursive: true,
      dereference: false,
      filter: (s) => !s.split(path.sep).includes("node_modules") && !fs.lstatSync(s).isSymbolicLink(),
    });
  else warnings.push("the submission has no lib/ folder");
  for (const f of ["tsconfig.json", "package.json"]) if (fs.existsSync(path.join(a.courseRoot, f))) fs.copyFileSync(path.join(a.courseRoot, f), path.join(root, f));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  const notebooks: Record<string, string | null> = {};
  for (const nb of notebookNames) notebooks[nb] = findNotebook(src, a, nb);
  return { root, notebooks, warnings };
}

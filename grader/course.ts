/** Where an assignment's sources live. `courseRoot` is the repo, or a fixture course in tests. */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./paths";

export interface Assignment {
  name: string;
  courseRoot: string;
  libDir: string;
  notebooksDir: string;
  hiddenDir: string;
  gradingFile: string;
  /** reference values of a full run (`npm run references -- <a>`) */
  referencesFile: string;
  /** reference values of a quick run (`npm run references -- <a> --quick`, CS231N_QUICK=1) */
  quickReferencesFile: string;
}

/** The references file for a mode: full (course targets) or quick (small subsets, for trying things). */
export function referencesFor(a: Assignment, quick = false): string {
  return quick ? a.quickReferencesFile : a.referencesFile;
}

export function assignment(name: string, courseRoot: string = REPO_ROOT): Assignment {
  if (!/^[A-Za-z0-9_\-]+$/.test(name)) throw new Error(`bad assignment name ${JSON.stringify(name)}`);
  const root = path.resolve(courseRoot);
  const notebooksDir = path.join(root, "notebooks", name);
  if (!fs.existsSync(notebooksDir)) throw new Error(`no such assignment: ${notebooksDir}`);
  return {
    name,
    courseRoot: root,
    libDir: path.join(root, "lib"),
    notebooksDir,
    hiddenDir: path.join(root, "grader", "hidden", name),
    gradingFile: path.join(notebooksDir, "grading.json"),
    referencesFile: path.join(notebooksDir, "references.json"),
    quickReferencesFile: path.join(notebooksDir, "references.quick.json"),
  };
}

/** Notebook file names (e.g. "knn.ipynb") of the assignment, sorted. */
export function notebookNames(a: Assignment): string[] {
  return fs.readdirSync(a.notebooksDir).filter((f) => f.endsWith(".ipynb") && !f.startsWith(".")).sort();
}

/**
 * Hidden test files, each split into cells at lines `// %%`. When a file has code before its first
 * `// %%` line, that first cell is its setup (`setup: true`), re-run after a kernel restart.
 */
export function hiddenTests(a: Assignment): { name: string; cells: string[]; setup: boolean }[] {
  if (!fs.existsSync(a.hiddenDir)) return [];
  return fs
    .readdirSync(a.hiddenDir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => {
      const chunks = fs.readFileSync(path.join(a.hiddenDir, f), "utf8").split(/^\/\/ %%.*$/m);
      const code = (c: string): boolean => c.split("\n").some((l) => l.trim() && !l.trim().startsWith("//"));
      return {
        name: `hidden/${f.replace(/\.ts$/, "")}`,
        cells: chunks.map((c) => c.trim()).filter((c) => c.length > 0),
        setup: chunks.length > 1 && code(chunks[0]),
      };
    });
}

/** Writes a file atomically (temp file + rename). */
export function writeAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

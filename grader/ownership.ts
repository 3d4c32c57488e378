/**
 * Assignment ownership of lib code (SPEC section 5, "One lib, several assignments").
 *
 * The course's assignments are declared in lib/index.ts's leading comment,
 *     // ASSIGNMENTS assignment1 assignment2
 * (with the folders of notebooks/ added, so a course without the line uses its notebook folders), and
 * ordered by name, naturally (assignment1 < assignment2 < assignment10); a name in a marker must be
 * the course's stem plus a number. The declaration keeps a copy of the course that holds only one
 * assignment's notebooks (a grading run) right about which code is earlier. A lib file belongs to the
 * course's first assignment unless a leading comment line says otherwise:
 *     // ASSIGNMENT assignment2
 * A part of a file that a later assignment adds is wrapped in
 *     // BEGIN ASSIGNMENT assignment2
 *     ...
 *     // END ASSIGNMENT
 * (blocks don't nest; they may sit anywhere a line may: statements, members, object entries).
 * A solution region belongs to the file's or block's assignment. The release of assignment X:
 *   - leaves out the files and blocks of later assignments entirely (no code, no stub);
 *   - drops the ownership marker lines;
 *   - stubs X's solution regions with "TODO: ..." and earlier assignments' regions with
 *     "TODO (from assignment 1): ..." (students bring their own earlier code, as in the course).
 */
import * as fs from "fs";
import * as path from "path";
import { stripTsSolutions, StripResult } from "./markers";

const FILE_RE = /^\s*\/\/\s*ASSIGNMENT\s+(\S+)\s*$/;
const BEGIN_RE = /^\s*\/\/\s*BEGIN ASSIGNMENT\s+(\S+)\s*$/;
const END_RE = /^\s*\/\/\s*END ASSIGNMENT\b.*$/;
const ANY_RE = /^\s*\/\/\s*(BEGIN |END )?ASSIGNMENT\b/;
const DECL_RE = /^\s*\/\/\s*ASSIGNMENTS\s+(.*)$/;
const SOLUTION_BEGIN_RE = /^\s*\/\/\s*BEGIN SOLUTION\b/;
const SOLUTION_END_RE = /^\s*\/\/\s*END SOLUTION\b/;

/** The course's assignments in order: lib/index.ts's `// ASSIGNMENTS ...` line and the folders of notebooks/ holding notebooks. */
export function assignmentOrder(courseRoot: string): string[] {
  const names = new Set<string>();
  const index = path.join(courseRoot, "lib", "index.ts");
  if (fs.existsSync(index)) for (const n of declared(fs.readFileSync(index, "utf8"), index)) names.add(n);
  const dir = path.join(courseRoot, "notebooks");
  if (fs.existsSync(dir))
    for (const e of fs.readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory() && fs.readdirSync(path.join(dir, e.name)).some((f) => f.endsWith(".ipynb"))) names.add(e.name);
  return [...names].sort(natural);
}

/** The names of a `// ASSIGNMENTS a b ...` line among a file's leading comment lines. */
function declared(src: string, where: string): string[] {
  for (const line of src.split("\n")) {
    const l = line.trim();
    const m = DECL_RE.exec(l);
    if (m) {
      const names = m[1].trim().split(/\s+/);
      const bad = names.filter((n) => !/^[A-Za-z_-]*\d+$/.test(n));
      if (bad.length) throw new Error(`${where}: "// ASSIGNMENTS" lists names like assignment1 assignment2, not ${JSON.stringify(bad.join(" "))}`);
      return names;
    }
    if (l !== "" && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*")) break;
  }
  return [];
}

/** "assignment1" → "assignment 1" (for TODO messages). */
export function assignmentLabel(name: string): string {
  return name.replace(/^([A-Za-z_-]*?)(\d+)$/, (_, w: string, n: string) => (w ? `${w} ${n}` : n));
}

/** The assignment a lib file belongs to: its `// ASSIGNMENT x` header line, else the course's first. */
export function fileOwner(src: string, order: string[], where = "<source>"): string {
  const lines = src.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    const m = FILE_RE.exec(l);
    if (m) return known(m[1], order, `${where}:${i + 1}`);
    if (l !== "" && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*")) break;
  }
  for (let i = 0; i < lines.length; i++)
    if (FILE_RE.test(lines[i])) throw new Error(`${where}:${i + 1}: "// ASSIGNMENT" must be in the file's leading comment`);
  if (!order.length) throw new Error(`${where}: the course has no assignments (no notebooks/<assignment>/ folder with notebooks)`);
  return order[0];
}

const natural = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });
const stem = (name: string): string => name.replace(/\d+$/, "");

/** Checks that a marker names an assignment of this course: the course's stem and a number. */
function known(name: string, order: string[], where: string): string {
  const ok = order.includes(name) || (/\d$/.test(name) && order.some((a) => /\d$/.test(a) && stem(a) === stem(name)));
  if (!ok) throw new Error(`${where}: unknown assignment "${name}" (the course has ${order.join(", ") || "none"})`);
  return name;
}

/**
 * The student version of one lib file for the release of `target`, or null when the file belongs
 * to a later assignment and is not shipped. Throws on malformed ownership markers. With
 * `keepSolutions`, the same file with its solution regions intact (a solved release).
 */
export function releaseLibFile(src: string, target: string, order: string[], where = "<source>", opts: { keepSolutions?: boolean } = {}): StripResult | null {
  known(target, order, where);
  const later = (a: string, b: string): boolean => natural(a, b) > 0;
  const owner = fileOwner(src, order, where);
  if (later(owner, target)) return null;
  const kept: string[] = [];
  const ownerOf: string[] = [];
  let block: { name: string; line: number } | null = null;
  let inSolution = false;
  src.split("\n").forEach((line, i) => {
    const at = `${where}:${i + 1}`;
    if (SOLUTION_BEGIN_RE.test(line)) inSolution = true;
    else if (SOLUTION_END_RE.test(line)) inSolution = false;
    else if (inSolution && ANY_RE.test(line)) throw new Error(`${at}: an ownership marker inside a solution region`);
    const b = BEGIN_RE.exec(line);
    if (b) {
      if (block) throw new Error(`${at}: nested BEGIN ASSIGNMENT (the block of line ${block.line} is still open)`);
      const name = known(b[1], order, at);
      if (later(owner, name)) throw new Error(`${at}: a block of ${name} in a file of the later ${owner}`);
      block = { name, line: i + 1 };
      return;
    }
    if (END_RE.test(line)) {
      if (!block) throw new Error(`${at}: END ASSIGNMENT without BEGIN ASSIGNMENT`);
      block = null;
      return;
    }
    if (FILE_RE.test(line) || DECL_RE.test(line)) return;
    if (ANY_RE.test(line)) throw new Error(`${at}: malformed ownership marker ${JSON.stringify(line.trim())}`);
    const lineOwner = block ? block.name : owner;
    if (later(lineOwner, target)) return;
    kept.push(line);
    ownerOf.push(lineOwner);
  });
  if (block) throw new Error(`${where}:${(block as { line: number }).line}: BEGIN ASSIGNMENT without END ASSIGNMENT`);
  // the solution as the assignment's students would have it (tests grade it as a submission)
  if (opts.keepSolutions) return { text: kept.join("\n"), regions: 0 };
  return stripTsSolutions(kept.join("\n"), where, {
    todoLabel: (line) => (ownerOf[line] === target ? "TODO" : `TODO (from ${assignmentLabel(ownerOf[line])})`),
  });
}

/**
 * Solution markers (SPEC section 5).
 *
 * TypeScript (lib files and notebook code cells):
 *     // BEGIN SOLUTION (optional hint)
 *     ...
 *     // END SOLUTION
 * becomes `throw new Error("TODO: <hint>");` at the BEGIN line's indentation. The hint is the comment
 * on the BEGIN line, else the name of the enclosing function/method, else "implement this".
 * `// BEGIN SOLUTION NO_THROW (hint)` leaves `// TODO: <hint>` instead (for regions where a statement
 * that throws is not wanted, e.g. optional tuning code in a notebook cell).
 *
 * Markdown answer cells: text wrapped in `<!-- BEGIN SOLUTION -->` ... `<!-- END SOLUTION -->` becomes
 * "*Your answer:*".
 */

const BEGIN_RE = /^(\s*)\/\/\s*BEGIN SOLUTION\b(.*)$/;
const END_RE = /^\s*\/\/\s*END SOLUTION\b/;

function enclosingFunctionName(lines: string[], at: number): string | null {
  for (let i = at - 1; i >= 0; i--) {
    const l = lines[i];
    let m = /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*[<(]/.exec(l);
    if (m) return m[1];
    m = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]*)?=>/.exec(l);
    if (m) return m[1];
    m = /^\s*(?:public\s+|private\s+|protected\s+|static\s+|async\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\([^)]*\)?\s*(?::[^{]*)?\{\s*$/.exec(l);
    if (m && !["if", "for", "while", "switch", "catch", "with", "return"].includes(m[1])) return m[1];
  }
  return null;
}

export interface StripResult {
  text: string;
  regions: number;
}

/**
 * Replaces every solution region in TypeScript source. Throws on unbalanced markers.
 * `todoLabel(line)` (0-based line of the BEGIN marker) gives the stub's prefix, "TODO" by default;
 * grader/ownership.ts uses it to say which earlier assignment a region comes from.
 */
export function stripTsSolutions(src: string, where = "<source>", opts: { todoLabel?: (line: number) => string } = {}): StripResult {
  const lines = src.split("\n");
  const out: string[] = [];
  let regions = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN_RE.exec(lines[i]);
    if (!m) {
      if (END_RE.test(lines[i])) throw new Error(`${where}:${i + 1}: END SOLUTION without BEGIN SOLUTION`);
      out.push(lines[i]);
      continue;
    }
    const indent = m[1];
    let rest = m[2].trim();
    const noThrow = /^NO_THROW\b/.test(rest);
    if (noThrow) rest = rest.replace(/^NO_THROW\b/, "").trim();
    const hintM = /^\((.*)\)$/.exec(rest) ?? /^[:\-–]\s*(.*)$/.exec(rest);
    const hint = (hintM ? hintM[1] : rest).trim() || `implement ${enclosingFunctionName(lines, i) ?? "this"}`;
    let j = i + 1;
    while (j < lines.length && !END_RE.test(lines[j])) {
      if (BEGIN_RE.test(lines[j])) throw new Error(`${where}:${j + 1}: nested BEGIN SOLUTION`);
      j++;
    }
    if (j >= lines.length) throw new Error(`${where}:${i + 1}: BEGIN SOLUTION without END SOLUTION`);
    const todo = opts.todoLabel?.(i) ?? "TODO";
    out.push(noThrow ? `${indent}// ${todo}: ${hint}` : `${indent}throw new Error(${JSON.stringify(`${todo}: ${hint}`)});`);
    regions++;
    i = j;
  }
  return { text: out.join("\n"), regions };
}

const MD_RE = /<!--\s*BEGIN SOLUTION\s*-->[\s\S]*?<!--\s*END SOLUTION\s*-->/g;

export function stripMarkdownSolutions(src: string): StripResult {
  let regions = 0;
  const text = src.replace(MD_RE, () => {
    regions++;
    return "*Your answer:*";
  });
  if (/<!--\s*(BEGIN|END) SOLUTION\s*-->/.test(text)) throw new Error("unbalanced <!-- BEGIN/END SOLUTION --> in a markdown cell");
  return { text, regions };
}

interface NbCell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
  [k: string]: unknown;
}
export interface Notebook {
  cells: NbCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

const src = (c: NbCell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** Student version of a notebook: solutions stripped, outputs and execution counts cleared. */
export function stripNotebook(nb: Notebook, where = "<notebook>"): { nb: Notebook; regions: number } {
  let regions = 0;
  const cells = nb.cells
    .filter((c) => !(c.metadata && (c.metadata as { tags?: string[] }).tags?.includes("solution-only")))
    .map((c, k) => {
      const copy: NbCell = { ...c, metadata: { ...(c.metadata ?? {}) } };
      if (c.cell_type === "code") {
        const r = stripTsSolutions(src(c), `${where} cell ${k}`);
        regions += r.regions;
        copy.source = r.text;
        copy.outputs = [];
        copy.execution_count = null;
      } else if (c.cell_type === "markdown") {
        const r = stripMarkdownSolutions(src(c));
        regions += r.regions;
        copy.source = r.text;
      }
      delete (copy.metadata as Record<string, unknown>).execution;
      return copy;
    });
  return { nb: { ...nb, cells }, regions };
}

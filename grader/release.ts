/**
 * `npm run release -- assignment1`: the student release dist/release/<a>/ (+ .zip) with solution
 * regions stripped (grader/markers.ts), outputs cleared, and no hidden tests, rules or references.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Assignment, notebookNames } from "./course";
import { releasedLib, releasedNotebook } from "./graderOwned";
import { REPO_ROOT } from "./paths";
import { callPythonSync } from "./python";

const GRADER_SCRIPTS = ["release", "references", "grade", "gradescope", "bench", "bench:grader", "test", "test:e2e", "notebooks:full", "float32:sweep", "results"];
const DEV_ONLY = ["mocha", "@types/mocha", "playwright-core", "ts-node"];

export interface ReleaseResult {
  dir: string;
  zip: string;
  regions: number;
  files: string[];
}

export function studentReadme(a: Assignment, nbs: string[]): string {
  return `# CS231n in TypeScript: ${a.name}

## Setup
1. Install Node.js 20.15+ and Python 3.11+.
2. \`npm install\` — installs the libraries, builds TensorFlow for Node, creates a Python \`.venv\` with
   JupyterLab and the TypeScript (tslab) kernel, and downloads CIFAR-10 into \`datasets/\`.
3. \`npm start\` — opens JupyterLab on \`notebooks/\`.

## What to do
Work through the notebooks in \`notebooks/${a.name}/\` in order:
${nbs.map((n) => `- \`${n}\``).join("\n")}

Code you must write is marked \`throw new Error("TODO: ...")\` in \`lib/\` and in the notebooks; replace
each with your implementation. Inline questions end with "*Your answer:*": write your answer in
that markdown cell. \`npm run typecheck\` type-checks your library.

Each \`check(...)\` call in a notebook records a value that the autograder compares with the
reference solution; the grader also runs extra tests on your \`lib/\` functions with new inputs.
The notebook cells you can't edit or delete (every cell without a TODO) are the course's: the
autograder runs its own copy of them at their place, and only the values they record count. Your own
cells run as you wrote them, and you may add cells. The library files without a TODO (e.g.
\`lib/check.ts\`, \`lib/data.ts\`) are graded with the course's copy.

## Submitting
Run every notebook top to bottom, save, and zip the folder with your \`lib/\` and \`notebooks/\`
(e.g. \`zip -r submission.zip lib notebooks\`).
`;
}

export function makeRelease(a: Assignment, opts: { outRoot?: string; typecheck?: boolean } = {}): ReleaseResult {
  const outRoot = opts.outRoot ?? path.join(REPO_ROOT, "dist", "release");
  const dir = path.join(outRoot, a.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let regions = 0;
  const put = (rel: string, data: string | Buffer): void => {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, data);
    files.push(rel);
  };
  // lib: this and earlier assignments' .ts files, solutions stripped (ownership.ts); notebooks: stripped, grader-owned cells marked (graderOwned.ts)
  for (const f of releasedLib(a)) {
    regions += f.regions;
    put(f.rel, f.text);
  }
  const nbs = notebookNames(a);
  for (const n of nbs) {
    const r = releasedNotebook(a, n);
    regions += r.regions;
    put(path.join("notebooks", a.name, n), JSON.stringify(r.nb, null, 1) + "\n");
  }
  put("README.md", studentReadme(a, nbs));
  // package.json: same deps and scripts, minus grader/dev ones
  const pkg = JSON.parse(fs.readFileSync(path.join(a.courseRoot, "package.json"), "utf8"));
  for (const s of GRADER_SCRIPTS) if (pkg.scripts) delete pkg.scripts[s];
  for (const d of DEV_ONLY) if (pkg.devDependencies) delete pkg.devDependencies[d];
  pkg.name = `cs231n-ts-${a.name}`;
  put("package.json", JSON.stringify(pkg, null, 2) + "\n");
  for (const rel of ["native/tfjs-node/package.json", "native/tfjs-node/install.js", "scripts/setup.sh", "requirements.txt", "datasets/get_datasets.sh"]) {
    const f = path.join(a.courseRoot, rel);
    if (fs.existsSync(f)) put(rel, fs.readFileSync(f));
  }
  const tsconfig = fs.existsSync(path.join(a.courseRoot, "tsconfig.json"))
    ? JSON.parse(fs.readFileSync(path.join(a.courseRoot, "tsconfig.json"), "utf8"))
    : { compilerOptions: { target: "ES2020", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true } };
  tsconfig.compilerOptions = { ...tsconfig.compilerOptions, types: ["node"] };
  tsconfig.include = ["lib/**/*.ts"];
  put("tsconfig.json", JSON.stringify(tsconfig, null, 2) + "\n");
  for (const x of ["scripts/setup.sh", "datasets/get_datasets.sh"]) if (fs.existsSync(path.join(dir, x))) fs.chmodSync(path.join(dir, x), 0o755);
  if (opts.typecheck !== false) {
    const nm = path.join(dir, "node_modules");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), nm);
    try {
      execFileSync(path.join(REPO_ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      const out = (e as { stdout?: string }).stdout ?? String(e);
      throw new Error(`the released lib does not type-check:\n${out}`);
    } finally {
      fs.unlinkSync(nm);
    }
  }
  const zip = path.join(outRoot, `${a.name}.zip`);
  fs.rmSync(zip, { force: true });
  callPythonSync("zip", { dir, zip, prefix: a.name });
  return { dir, zip, regions, files };
}

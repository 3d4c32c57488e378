/**
 * `npm run gradescope -- assignment1`: dist/gradescope/<a>.zip, a Gradescope autograder bundle.
 * setup.sh installs the course repo (this one, copied in course/, minus dist and notebooks outputs)
 * and run_autograder grades $AUTOGRADER_ROOT/submission (default /autograder) into
 * $AUTOGRADER_ROOT/results/results.json.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Assignment } from "./course";
import { loadReferences } from "./grade";

/** Builds the bundle; `quick` grades with the quick-mode references (CS231N_QUICK=1 runs). */
export function makeGradescope(a: Assignment, opts: { outRoot?: string; quick?: boolean } = {}): string {
  loadReferences(a, !!opts.quick); // fails early, with the fix, when they are missing
  const modeFlag = opts.quick ? " --quick" : "";
  const outRoot = opts.outRoot ?? path.join(a.courseRoot, "dist", "gradescope");
  const stage = path.join(outRoot, a.name);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, "course"), { recursive: true });
  const skip = new Set(["node_modules", ".venv", "dist", ".git", "datasets"]);
  for (const e of fs.readdirSync(a.courseRoot)) {
    if (skip.has(e) || e.startsWith(".")) continue;
    fs.cpSync(path.join(a.courseRoot, e), path.join(stage, "course", e), { recursive: true, dereference: true });
  }
  fs.mkdirSync(path.join(stage, "course", "datasets"), { recursive: true });
  for (const f of ["get_datasets.sh", "README.md"]) {
    const p = path.join(a.courseRoot, "datasets", f);
    if (fs.existsSync(p)) fs.copyFileSync(p, path.join(stage, "course", "datasets", f));
  }
  fs.writeFileSync(
    path.join(stage, "setup.sh"),
    `#!/usr/bin/env bash
# Gradescope autograder setup (Ubuntu image, root): Node 20, Python venv, the course repo.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv curl zip unzip bubblewrap >/dev/null
if ! command -v node >/dev/null; then curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y -qq nodejs; fi
cd "$HERE/course" && CS231N_SKIP_APT=1 npm install
`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(stage, "run_autograder"),
    `#!/usr/bin/env bash
# Grades the submission into results/results.json. AUTOGRADER_ROOT overrides /autograder (tests).
set -uo pipefail
AG="\${AUTOGRADER_ROOT:-/autograder}"
HERE="$(cd "$(dirname "$0")" && pwd)"
COURSE="\${CS231N_COURSE:-$HERE/course}"
OUT="$(mktemp -d)"
mkdir -p "$AG/results"
GRADER="\${CS231N_GRADER_ROOT:-$COURSE}"
cd "$COURSE"
"$GRADER/node_modules/.bin/ts-node" --transpile-only "$GRADER/grader/cli.ts" grade "$AG/submission" --assignment ${a.name} --course "$COURSE" --out "$OUT"${modeFlag} \${CS231N_GRADE_FLAGS:-} || true
if [ -f "$OUT/submission/results.json" ]; then cp "$OUT/submission/results.json" "$AG/results/results.json"
else echo '{"score": 0, "output": "The autograder failed to run; please contact the course staff.", "tests": []}' > "$AG/results/results.json"; fi
cp "$OUT/submission/feedback.html" "$AG/results/feedback.html" 2>/dev/null || true
`,
    { mode: 0o755 },
  );
  const zip = path.join(outRoot, `${a.name}.zip`);
  fs.rmSync(zip, { force: true });
  execFileSync("zip", ["-qr", zip, "."], { cwd: stage });
  return zip;
}

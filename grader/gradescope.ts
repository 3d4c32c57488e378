/**
 * `npm run gradescope -- assignment1`: dist/gradescope/<a>.zip, a Gradescope autograder bundle:
 *   setup.sh        Gradescope runs it once, as root, in /autograder/source (base image: Ubuntu 24.04)
 *   run_autograder  Gradescope runs a COPY of it as /autograder/run_autograder for each submission;
 *                   it grades /autograder/submission into /autograder/results/results.json
 *   course/         this course (lib, notebooks, references, rules, hidden tests, grader), without
 *                   node_modules/.venv/dataset, which setup.sh installs
 * Paths come from Gradescope's layout (AUTOGRADER_ROOT overrides /autograder, for tests), never
 * from where the script itself lies.
 */
import * as fs from "fs";
import * as path from "path";
import { Assignment } from "./course";
import { callPythonSync } from "./python";
import { loadReferences } from "./references";

/** The Gradescope base image setup.sh supports: Python ≥ 3.11 (the pinned ipykernel) comes with it. */
export const GRADESCOPE_IMAGE = { id: "ubuntu", version: "24.04", name: "Ubuntu 24.04" };

export function setupScript(): string {
  const img = GRADESCOPE_IMAGE;
  return `#!/usr/bin/env bash
# Gradescope autograder set-up, run once as root in /autograder/source.
# Supported base image: ${img.name} (choose it in the autograder settings). Anything else stops here:
# the grader needs Python >= 3.11 (pinned ipykernel) and Node >= 20.15, bubblewrap for the sandbox.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OS_RELEASE=/etc/os-release
ID=""; VERSION_ID=""; PRETTY_NAME="unknown"
[ -r "$OS_RELEASE" ] && . "$OS_RELEASE"
if [ "$ID" != "${img.id}" ] || [ "$VERSION_ID" != "${img.version}" ]; then
  echo "setup.sh: unsupported base image: $PRETTY_NAME. This autograder supports ${img.name} only; choose the ${img.name} base image in Gradescope's autograder settings." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip g++ make curl ca-certificates bubblewrap >/dev/null
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=15)?0:1)' 2>/dev/null; then
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash - >/dev/null
  apt-get install -y -qq nodejs >/dev/null
fi
cd "$HERE/course"
CS231N_SKIP_APT=1 npm install
# the grader refuses to run student code unsandboxed: check the sandbox works in this container
if ! bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc --size 1048576 --tmpfs /tmp true; then
  echo "setup.sh: bubblewrap cannot create a sandbox in this container (user namespaces blocked?); the grader will not run student code without one. Grade locally with npm run grade instead." >&2
  exit 1
fi
echo "setup.sh: ready"
`;
}

export function runAutograderScript(a: Assignment, quick: boolean): string {
  return `#!/usr/bin/env bash
# Gradescope runs a copy of this script as /autograder/run_autograder (cwd /autograder).
# Grades /autograder/submission with the course unpacked in /autograder/source/course into
# /autograder/results/results.json. AUTOGRADER_ROOT overrides /autograder (tests).
set -uo pipefail
AG="\${AUTOGRADER_ROOT:-/autograder}"
COURSE="$AG/source/course"
OUT="$(mktemp -d)"
mkdir -p "$AG/results"
cd "$COURSE" || exit 1
# the grader's progress and sandbox notes go to stdout, which Gradescope shows to instructors only
node_modules/.bin/ts-node --transpile-only grader/cli.ts grade "$AG/submission" --assignment ${a.name} --course "$COURSE" --out "$OUT"${quick ? " --quick" : ""} \${CS231N_GRADE_FLAGS:-} 2>&1
status=$?
if [ -f "$OUT/submission/results.json" ]; then
  cp "$OUT/submission/results.json" "$AG/results/results.json"
else
  echo "run_autograder: the grader exited with status $status and wrote no results" >&2
  cat > "$AG/results/results.json" <<'JSON'
{"score": 0, "output": "The autograder failed to run; please contact the course staff.", "output_format": "text",
 "tests": [{"name": "Autograder", "score": 0, "max_score": 0, "status": "failed", "output": "The autograder failed to run.", "output_format": "text"}]}
JSON
fi
cp "$OUT/submission/feedback.html" "$AG/results/feedback.html" 2>/dev/null || true
exit 0
`;
}

/** Builds the bundle; `quick` grades with the quick-mode references (CS231N_QUICK=1 runs). */
export function makeGradescope(a: Assignment, opts: { outRoot?: string; quick?: boolean } = {}): string {
  loadReferences(a, !!opts.quick); // fails early, with the fix, when they are missing
  const outRoot = opts.outRoot ?? path.join(a.courseRoot, "dist", "gradescope");
  const stage = path.join(outRoot, a.name);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, "course"), { recursive: true });
  const skip = new Set(["node_modules", ".venv", "dist", ".git", "datasets", "artifacts", "grades"]);
  for (const e of fs.readdirSync(a.courseRoot)) {
    if (skip.has(e) || e.startsWith(".")) continue;
    fs.cpSync(path.join(a.courseRoot, e), path.join(stage, "course", e), { recursive: true, dereference: true });
  }
  fs.mkdirSync(path.join(stage, "course", "datasets"), { recursive: true });
  for (const f of ["get_datasets.sh", "README.md"]) {
    const p = path.join(a.courseRoot, "datasets", f);
    if (fs.existsSync(p)) fs.copyFileSync(p, path.join(stage, "course", "datasets", f));
  }
  fs.writeFileSync(path.join(stage, "setup.sh"), setupScript(), { mode: 0o755 });
  fs.writeFileSync(path.join(stage, "run_autograder"), runAutograderScript(a, !!opts.quick), { mode: 0o755 });
  const zip = path.join(outRoot, `${a.name}.zip`);
  fs.rmSync(zip, { force: true });
  callPythonSync("zip", { dir: stage, zip });
  return zip;
}

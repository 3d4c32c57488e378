/**
 * The grader's one boundary to Python: `callPython(op, request)` runs grader/py/helper.py with the
 * project's .venv python, sends one JSON request on stdin and reads one JSON response from stdout
 * (progress lines arrive on stderr). Ops: run (kernel driver), unzip, validate, zip.
 */
import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { PYTHON, REPO_ROOT } from "./paths";

const HELPER = path.join(REPO_ROOT, "grader", "py", "helper.py");

export interface PythonCallOptions {
  /** each progress line the helper reports */
  onProgress?: (line: string) => void;
  /** kill the helper (and its process group) after this long */
  timeoutMs?: number;
}

export function callPython<T>(op: string, request: Record<string, unknown>, opts: PythonCallOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const p = spawn(PYTHON, [HELPER], { stdio: ["pipe", "pipe", "pipe"], detached: true });
    const out: Buffer[] = [];
    let err = "";
    let partial = "";
    p.stdout!.on("data", (d: Buffer) => out.push(d));
    p.stderr!.on("data", (d: Buffer) => {
      partial += d.toString();
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith("[progress] ")) opts.onProgress?.(l.slice(11));
        else if (err.length < 20000) err += l + "\n";
      }
    });
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            try {
              process.kill(-p.pid!, "SIGKILL");
            } catch {
              /* gone */
            }
          }, opts.timeoutMs)
        : undefined;
    p.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`could not start the Python helper (${PYTHON}): ${e.message}; run \`npm install\``));
    });
    p.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const text = Buffer.concat(out).toString("utf8");
      let res: (T & { helper_error?: string; traceback?: string }) | undefined;
      try {
        res = JSON.parse(text);
      } catch {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        return reject(new Error(`the Python helper failed (${op}, ${why}): ${err.trim().split("\n").slice(-6).join("\n")}`));
      }
      if (res && typeof res === "object" && typeof res.helper_error === "string")
        return reject(new Error(`the Python helper failed (${op}): ${res.helper_error}${res.traceback ? `\n${res.traceback}` : ""}`));
      resolve(res as T);
    });
    p.stdin!.end(JSON.stringify({ op, ...request }));
  });
}

/** The same call, synchronously (quick ops: zip). */
export function callPythonSync<T>(op: string, request: Record<string, unknown>): T {
  const r = spawnSync(PYTHON, [HELPER], { input: JSON.stringify({ op, ...request }), encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`could not start the Python helper (${PYTHON}): ${r.error.message}; run \`npm install\``);
  let res: T & { helper_error?: string };
  try {
    res = JSON.parse(r.stdout);
  } catch {
    throw new Error(`the Python helper failed (${op}, exit ${r.status}): ${r.stderr.trim().split("\n").slice(-6).join("\n")}`);
  }
  if (typeof res.helper_error === "string") throw new Error(`the Python helper failed (${op}): ${res.helper_error}`);
  return res;
}

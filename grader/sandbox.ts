/**
 * Sandbox for running a submission's kernel: bubblewrap (no network, read-only system, private /tmp,
 * hidden reference/grader/output dirs) inside a cgroup v1 memory group (memory.limit_in_bytes).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const CG_ROOT = "/sys/fs/cgroup/memory";
let counter = 0;

export function bwrapAvailable(): boolean {
  try {
    execFileSync("bwrap", ["--ro-bind", "/", "/", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface Sandbox {
  wrap: string[];
  cgroup: string | null;
  warnings: string[];
  /** peak memory use in bytes (cgroup), if known */
  peak(): number | null;
  /** true if the cgroup hit its limit (OOM kill) */
  oomKilled(): boolean;
  dispose(): void;
}

export function makeSandbox(opts: { work: string; hide: string[]; memoryMB: number; useBwrap?: boolean }): Sandbox {
  const warnings: string[] = [];
  let cgroup: string | null = null;
  if (opts.memoryMB > 0 && fs.existsSync(path.join(CG_ROOT, "cgroup.procs"))) {
    try {
      cgroup = path.join(CG_ROOT, `cs231n-grader-${process.pid}-${++counter}-${Date.now()}`);
      fs.mkdirSync(cgroup);
      fs.writeFileSync(path.join(cgroup, "memory.limit_in_bytes"), String(opts.memoryMB * 1024 * 1024));
      try {
        fs.writeFileSync(path.join(cgroup, "memory.memsw.limit_in_bytes"), String(opts.memoryMB * 1024 * 1024));
      } catch {
        /* no swap accounting */
      }
    } catch (e) {
      warnings.push(`memory cap unavailable: ${(e as Error).message}`);
      cgroup = null;
    }
  } else if (opts.memoryMB > 0) warnings.push("memory cap unavailable: no cgroup v1 memory controller");
  const wrap: string[] = [];
  if (cgroup) wrap.push("sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup);
  if (opts.useBwrap !== false && bwrapAvailable()) {
    wrap.push("bwrap", "--unshare-net", "--unshare-ipc", "--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp");
    // A project checked out under /tmp (CI clones may be) must stay visible below the fresh /tmp:
    // bind it back read-only before the hidden parts are masked.
    const projectRoot = path.resolve(__dirname, "..");
    if (projectRoot === "/tmp" || projectRoot.startsWith("/tmp/")) wrap.push("--ro-bind", projectRoot, projectRoot);
    for (const h of opts.hide) {
      if (!fs.existsSync(h)) continue;
      if (fs.statSync(h).isDirectory()) wrap.push("--tmpfs", h);
      else wrap.push("--ro-bind", "/dev/null", h);
    }
    wrap.push("--bind", opts.work, opts.work, "--chdir", opts.work);
  } else warnings.push("bubblewrap unavailable: the notebook runs WITHOUT a sandbox (network and files are reachable)");
  const read = (f: string): string | null => {
    try {
      return fs.readFileSync(path.join(cgroup!, f), "utf8");
    } catch {
      return null;
    }
  };
  return {
    wrap,
    cgroup,
    warnings,
    peak: () => (cgroup ? Number(read("memory.max_usage_in_bytes")) || null : null),
    oomKilled: () => (cgroup ? /oom_kill [1-9]/.test(read("memory.oom_control") ?? "") || Number(read("memory.failcnt")) > 0 : false),
    dispose: () => {
      if (!cgroup) return;
      for (let i = 0; i < 20; i++) {
        try {
          const procs = (read("cgroup.procs") ?? "").split("\n").filter(Boolean);
          for (const p of procs) {
            try {
              process.kill(Number(p), "SIGKILL");
            } catch {
              /* gone */
            }
          }
          fs.rmdirSync(cgroup);
          return;
        } catch {
          execFileSync("sleep", ["0.1"]);
        }
      }
    },
  };
}

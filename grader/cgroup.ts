/**
 * Memory and process caps for a submission's kernels: one control group per submission, cgroup v1
 * (`memory.limit_in_bytes`, `pids.max` under /sys/fs/cgroup/{memory,pids}) or v2 (`memory.max`,
 * `memory.swap.max`, `pids.max` in the unified hierarchy), per controller: v1 where the controller is
 * mounted as v1, else v2 where the unified hierarchy offers it. A cap that can't be applied is reported
 * as a warning naming the cap and why, never silently skipped.
 *
 * A kernel joins the group(s) by its launch command (`joinCommand`), before the sandbox starts.
 * The driver watches `probes`: counters (`key N` lines) whose increase means a cap was hit.
 */
import * as fs from "fs";
import * as path from "path";

export interface Probe {
  file: string;
  key: string;
  name: "OutOfMemory" | "ProcessLimit";
  message: string;
}

export interface CgroupOptions {
  memoryMB?: number;
  pids?: number;
  /** cgroup v1 mount root (default /sys/fs/cgroup); null: don't use v1 */
  v1Root?: string | null;
  /** cgroup v2 mount point (default: found in /proc/self/mounts); null: don't use v2 */
  v2Root?: string | null;
  /** group name (default cs231n-grader-<pid>-<n>) */
  name?: string;
}

export interface Cgroups {
  /** cgroup.procs files a launched process writes its pid into */
  procs: string[];
  probes: Probe[];
  /** caps in force, e.g. "memory 1536 MB (cgroup v1)" */
  applied: string[];
  /** caps that could not be applied, and why */
  warnings: string[];
  /** peak memory of the group in bytes, when the kernel reports it */
  peakBytes(): number | null;
  /** CPU seconds used by the group's processes so far (cgroup v1 cpuacct or v2 cpu.stat), if known */
  cpuSeconds(): number | null;
  /** kills what is left in the group(s) and removes them */
  dispose(): void;
}

let counter = 0;

const read = (f: string): string | null => {
  try {
    return fs.readFileSync(f, "utf8");
  } catch {
    return null;
  }
};
const msg = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** The cgroup2 mount point of this machine, if any (/sys/fs/cgroup on v2-only systems, …/unified on hybrids). */
export function findV2Root(mounts = read("/proc/self/mounts") ?? ""): string | null {
  for (const line of mounts.split("\n")) {
    const [, mnt, type] = line.split(" ");
    if (type === "cgroup2") return mnt.replace(/\\040/g, " ");
  }
  return null;
}

/** A control group directory (v1: one per controller hierarchy; v2: one in the unified hierarchy). */
class Group {
  constructor(readonly dir: string) {}
  file(f: string): string {
    return path.join(this.dir, f);
  }
  write(file: string, value: string): void {
    fs.writeFileSync(this.file(file), value);
  }
  /** SIGKILLs every process in the group. */
  kill(): void {
    for (const p of (read(this.file("cgroup.procs")) ?? "").split("\n").filter(Boolean)) {
      try {
        process.kill(Number(p), "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  /** Kills what is left and removes the directory (retrying for up to 5 s while the processes exit). */
  remove(): void {
    for (let i = 0; i < 250; i++) {
      this.kill();
      try {
        fs.rmdirSync(this.dir);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }
}

class V1Group extends Group {
  static create(root: string, name: string): V1Group {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    return new V1Group(dir);
  }
}

export class V2Group extends Group {
  /** Creates `root/name`, first enabling the wanted controllers for root's children. */
  static create(root: string, name: string, controllers: string[]): V2Group {
    const sub = (read(path.join(root, "cgroup.subtree_control")) ?? "").split(/\s+/);
    const missing = controllers.filter((c) => !sub.includes(c));
    if (missing.length) fs.writeFileSync(path.join(root, "cgroup.subtree_control"), missing.map((c) => `+${c}`).join(" "));
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    return new V2Group(dir);
  }
  /** cgroup.kill (kernel ≥ 5.14) when there is one, else each process. */
  kill(): void {
    try {
      if (fs.existsSync(this.file("cgroup.kill"))) return this.write("cgroup.kill", "1");
    } catch {
      /* fall back to signalling each process */
    }
    super.kill();
  }
}

export function createCgroups(opts: CgroupOptions): Cgroups {
  const name = opts.name ?? `cs231n-grader-${process.pid}-${++counter}`;
  const v1Root = opts.v1Root === undefined ? "/sys/fs/cgroup" : opts.v1Root;
  const v2Root = opts.v2Root === undefined ? findV2Root() : opts.v2Root;
  const v2Controllers = v2Root ? (read(path.join(v2Root, "cgroup.controllers")) ?? "").trim().split(/\s+/).filter(Boolean) : [];
  const v1Has = (c: string): boolean => !!v1Root && fs.existsSync(path.join(v1Root, c, "cgroup.procs")) && !fs.existsSync(path.join(v1Root, c, "cgroup.controllers"));
  const want: { memory: boolean; pids: boolean } = { memory: (opts.memoryMB ?? 0) > 0, pids: (opts.pids ?? 0) > 0 };
  const procs: string[] = [];
  const probes: Probe[] = [];
  const applied: string[] = [];
  const warnings: string[] = [];
  const disposers: (() => void)[] = [];
  let peak: () => number | null = () => null;
  let cpu: () => number | null = () => null;
  const memMsg = `the kernel was killed: it exceeded the memory limit of ${opts.memoryMB} MB`;
  const pidsMsg = `the cell started too many processes or threads (the limit is ${opts.pids})`;

  // cgroup v1: one group per controller hierarchy
  const v1: Record<string, V1Group> = {};
  for (const c of ["memory", "pids"] as const) {
    if (!want[c] || !v1Has(c)) continue;
    try {
      const g = V1Group.create(path.join(v1Root!, c), name);
      v1[c] = g;
      disposers.push(() => g.remove());
      procs.push(g.file("cgroup.procs"));
      if (c === "memory") {
        const bytes = String(opts.memoryMB! * 1024 * 1024);
        g.write("memory.limit_in_bytes", bytes);
        try {
          g.write("memory.memsw.limit_in_bytes", bytes);
        } catch {
          /* no swap accounting: the memory limit still holds */
        }
        probes.push({ file: g.file("memory.oom_control"), key: "oom_kill", name: "OutOfMemory", message: memMsg });
        peak = () => Number(read(g.file("memory.max_usage_in_bytes"))) || null;
        applied.push(`memory ${opts.memoryMB} MB (cgroup v1)`);
      } else {
        g.write("pids.max", String(opts.pids));
        probes.push({ file: g.file("pids.events"), key: "max", name: "ProcessLimit", message: pidsMsg });
        applied.push(`processes ${opts.pids} (cgroup v1)`);
      }
      want[c] = false;
    } catch (e) {
      warnings.push(`${c === "memory" ? "memory" : "process"} cap not applied: cgroup v1 ${c} group: ${msg(e)}`);
      want[c] = false;
    }
  }
  // cgroup v2: one group for the rest
  const rest = (["memory", "pids"] as const).filter((c) => want[c]);
  const v2ok = rest.filter((c) => v2Controllers.includes(c));
  for (const c of rest.filter((c) => !v2ok.includes(c)))
    warnings.push(
      `${c === "memory" ? "memory" : "process"} cap not applied: no cgroup ${c} controller ` +
        (v2Root ? `(cgroup v1 has none, and the cgroup v2 hierarchy at ${v2Root} offers "${v2Controllers.join(" ")}")` : "(no cgroup v1 or v2 hierarchy offers it)"),
    );
  if (v2ok.length) {
    try {
      const g = V2Group.create(v2Root!, name, v2ok);
      disposers.push(() => g.remove());
      procs.push(g.file("cgroup.procs"));
      if (v2ok.includes("memory")) {
        g.write("memory.max", String(opts.memoryMB! * 1024 * 1024));
        try {
          g.write("memory.swap.max", "0");
        } catch {
          /* no swap controller: the memory limit still holds */
        }
        probes.push({ file: g.file("memory.events"), key: "oom_kill", name: "OutOfMemory", message: memMsg });
        peak = () => Number(read(g.file("memory.peak"))) || null;
        applied.push(`memory ${opts.memoryMB} MB (cgroup v2)`);
      }
      cpu = () => {
        const m = /^usage_usec (\d+)$/m.exec(read(g.file("cpu.stat")) ?? "");
        return m ? Number(m[1]) / 1e6 : null;
      };
      if (v2ok.includes("pids")) {
        g.write("pids.max", String(opts.pids));
        probes.push({ file: g.file("pids.events"), key: "max", name: "ProcessLimit", message: pidsMsg });
        applied.push(`processes ${opts.pids} (cgroup v2)`);
      }
    } catch (e) {
      warnings.push(`${v2ok.map((c) => (c === "memory" ? "memory" : "process")).join(" and ")} cap not applied: cgroup v2 group under ${v2Root}: ${msg(e)}`);
    }
  }
  // CPU accounting (not a cap): what a submission costs, whatever the machine's load
  if (v2ok.length === 0 && v1Has("cpuacct")) {
    try {
      const g = V1Group.create(path.join(v1Root!, "cpuacct"), name);
      disposers.push(() => g.remove());
      procs.push(g.file("cgroup.procs"));
      cpu = () => Number(read(g.file("cpuacct.usage"))) / 1e9 || null;
    } catch {
      /* accounting only */
    }
  }
  return {
    procs,
    probes,
    applied,
    warnings,
    peakBytes: () => peak(),
    cpuSeconds: () => cpu(),
    dispose: () => {
      for (const d of disposers) d();
    },
  };
}

/** A command prefix that moves the launched process into the groups, then execs the rest. */
export function joinCommand(procs: string[]): string[] {
  if (!procs.length) return [];
  const script = procs.map(() => 'echo $$ > "$1" || exit 125; shift; ').join("") + 'exec "$@"';
  return ["sh", "-c", script, "cgroup-join", ...procs];
}

/**
 * How a kernel is launched: in a bubblewrap sandbox (grading) or directly (tests, references).
 *
 * The sandbox is an allow-list (SPEC section 6). The kernel's whole filesystem is:
 *   /usr, /bin, /lib, ... and a few /etc files      read-only: what Node needs
 *   the course runtime, at its real host paths      read-only: node_modules (and the native addon it
 *                                                   links to), the dataset
 *   /sandbox                                        a tmpfs capped at --disk MB: the kernel's cwd and
 *                                                   /tmp; holds read-only binds of the submission's
 *                                                   lib/ and the course's package.json/tsconfig.json
 *   /dev, /proc                                     minimal, the sandbox's own processes only
 * No network (own network namespace), no capabilities, own pid/ipc/uts/user/cgroup namespaces, and
 * no terminal (the driver starts it in a new session). Why bubblewrap: it is a small, audited setuid-free tool that builds
 * exactly such a root from binds in one command, runs as root or unprivileged, and needs no daemon;
 * a chroot or container image would need a maintained copy of the system.
 *
 * Only the kernel runs inside. The driver (grader/py/driver.py) stays outside and reaches the
 * kernel's ZeroMQ sockets (transport "ipc": Unix sockets in /sandbox/.ipc) through
 * /proc/<sandbox pid>/root; the connection file is a read-only bind of a file the kernel can't write.
 * Nothing the kernel can write reaches the driver except protocol messages.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cgroups, createCgroups, joinCommand } from "./cgroup";
import { REPO_ROOT } from "./paths";

/** What the driver needs to start a kernel (see grader/py/driver.py `Kernel.start`). */
export interface KernelLaunch {
  argv: string[];
  /** where the driver writes the connection file (host path) */
  connection_file: string;
  /** socket path prefix as the kernel sees it */
  ip: string;
  /** socket path prefix as the driver reaches it; `{pid}` is the sandbox's pid (from --info-fd) */
  connect_ip: string;
  info_fd: boolean;
  cwd: string;
  /** the complete environment of the launched process */
  env: Record<string, string>;
}

/** A kernel launch and the caps around it (probes, accounting and clean-up come from its cgroups). */
export interface Launcher extends Pick<Cgroups, "probes" | "applied" | "warnings" | "peakBytes" | "cpuSeconds" | "dispose"> {
  launch: KernelLaunch;
  /** cgroup.procs files of the kernel's groups: emptied after each kernel */
  members: string[];
}

export interface SandboxOptions {
  /** host dir with the kernel's inputs: lib/ (the submission's), package.json, tsconfig.json */
  root: string;
  /** host dir for the connection file (the kernel sees only the file, read-only) */
  work: string;
  diskMB: number;
  memoryMB: number;
  pids: number;
  /** extra environment for the kernel (CS231N_QUICK, CIFAR10_DIR, ...) */
  env: Record<string, string>;
  /** host directories the kernel may read (the dataset), at the same paths */
  readOnly: string[];
  /** cgroup hierarchies to use (tests); default: this machine's */
  cgroup?: { v1Root?: string | null; v2Root?: string | null };
}

/** The kernel's root directory inside the sandbox. */
export const SANDBOX_ROOT = "/sandbox";
/**
 * Where a host path is bound: at the same path, except below /tmp (a checkout there, as CI clones
 * may be), which the sandbox replaces by its own: those go below /.host (relative links between
 * them, like node_modules/@tensorflow/tfjs-node → ../../native/tfjs-node, still resolve).
 */
const inside = (p: string): string => (p === "/tmp" || p.startsWith("/tmp/") ? `/.host${p}` : p);
/** Environment passed through to a sandboxed kernel (numerics settings, never credentials). */
const ENV_PASS = /^(ONEDNN_|DNNL_|TF_|OMP_|MKL_|KMP_|OPENBLAS_)|^(TZ|LANG|LC_ALL)$/;
const ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "passwd", "group", "nsswitch.conf", "hosts", "localtime", "timezone", "ssl", "ca-certificates", "os-release"];

let bwrapOk: string | null | undefined;
/** null if bubblewrap can build a sandbox here, else why not. */
export function bwrapProblem(): string | null {
  if (bwrapOk !== undefined) return bwrapOk;
  try {
    execFileSync("bwrap", ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--size", "1048576", "--tmpfs", "/tmp", "true"], { stdio: "pipe" });
    bwrapOk = null;
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    bwrapOk = err.code === "ENOENT" ? "bubblewrap (bwrap) is not installed" : `bubblewrap cannot create a sandbox here: ${String(err.stderr ?? e).trim()}`;
  }
  return bwrapOk;
}

let runtimeCache: string[] | undefined;
/** Host paths of the course runtime the kernel reads: node_modules and what its links point to, Node itself. */
export function runtimePaths(): string[] {
  if (runtimeCache) return runtimeCache;
  const nm = fs.realpathSync(path.join(REPO_ROOT, "node_modules"));
  const out = new Set<string>([nm]);
  const outside = (p: string): void => {
    try {
      const real = fs.realpathSync(p);
      if (!real.startsWith(nm + path.sep)) out.add(real);
    } catch {
      /* dangling link: nothing to bind */
    }
  };
  for (const e of fs.readdirSync(nm, { withFileTypes: true })) {
    const p = path.join(nm, e.name);
    if (e.isSymbolicLink()) outside(p);
    else if (e.name.startsWith("@") && e.isDirectory())
      for (const s of fs.readdirSync(p, { withFileTypes: true })) if (s.isSymbolicLink()) outside(path.join(p, s.name));
  }
  const node = fs.realpathSync(process.execPath);
  if (!node.startsWith("/usr/")) out.add(path.dirname(path.dirname(node)));
  runtimeCache = [...out];
  return runtimeCache;
}

function passEnv(): Record<string, string> {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && ENV_PASS.test(k)) e[k] = v;
  return e;
}

/** A sandboxed kernel launch for one submission; `dispose()` when its kernels are done. */
export function makeSandbox(o: SandboxOptions): Launcher {
  const problem = bwrapProblem();
  if (problem) throw new Error(`${problem}; install it (Debian/Ubuntu: apt-get install bubblewrap) or grade with --no-sandbox (unsafe: the kernel then sees the whole machine)`);
  const cg: Cgroups = createCgroups({ memoryMB: o.memoryMB, pids: o.pids, ...(o.cgroup ?? {}) });
  const conn = path.join(o.work, "kernel.json");
  const S = SANDBOX_ROOT;
  const a: string[] = ["bwrap", "--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "--hostname", "sandbox", "--info-fd", "{info_fd}"];
  a.push("--ro-bind", "/usr", "/usr");
  for (const d of ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"]) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(d);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) a.push("--symlink", fs.readlinkSync(d), d);
    else if (st.isDirectory()) a.push("--ro-bind", d, d);
  }
  for (const e of ETC) if (fs.existsSync(path.join("/etc", e))) a.push("--ro-bind", path.join("/etc", e), path.join("/etc", e));
  a.push("--dev", "/dev", "--proc", "/proc");
  const readOnly = o.readOnly.filter((p) => fs.existsSync(p)).map((p) => fs.realpathSync(p));
  for (const p of [...runtimePaths(), ...readOnly]) a.push("--ro-bind", p, inside(p));
  a.push("--size", String(o.diskMB * 1024 * 1024), "--tmpfs", S, "--dir", `${S}/.ipc`, "--dir", `${S}/.tmp`, "--symlink", `${S}/.tmp`, "/tmp");
  if (fs.existsSync(path.join(o.root, "lib"))) a.push("--ro-bind", path.join(o.root, "lib"), `${S}/lib`);
  for (const f of ["package.json", "tsconfig.json"]) if (fs.existsSync(path.join(o.root, f))) a.push("--ro-bind", path.join(o.root, f), `${S}/${f}`);
  a.push("--symlink", inside(fs.realpathSync(path.join(REPO_ROOT, "node_modules"))), `${S}/node_modules`);
  // the connection file: bound read-only; the driver rewrites it on the host before each (re)start
  fs.writeFileSync(conn, "{}");
  a.push("--ro-bind", conn, `${S}/.kernel.json`, "--chdir", S);
  a.push(`${S}/node_modules/.bin/tslab`, "kernel", "--config-path", `${S}/.kernel.json`);
  const nodeDir = path.dirname(fs.realpathSync(process.execPath));
  const env: Record<string, string> = {
    PATH: [nodeDir, "/usr/local/bin", "/usr/bin", "/bin"].filter((d, i, xs) => xs.indexOf(d) === i).join(":"),
    HOME: S,
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    TF_CPP_MIN_LOG_LEVEL: "2",
    CS231N_HEADLESS: "1", // one cell at a time: no abort window after an error (lib/tslabHeadless.ts)
    ...passEnv(),
    // a read-only path handed to the kernel (CIFAR10_DIR) names it as the kernel sees it
    ...Object.fromEntries(Object.entries(o.env).map(([k, v]) => [k, fs.existsSync(v) && readOnly.includes(fs.realpathSync(v)) ? inside(fs.realpathSync(v)) : v])),
  };
  return {
    launch: { argv: [...joinCommand(cg.procs), ...a], connection_file: conn, ip: `${S}/.ipc/k`, connect_ip: `/proc/{pid}/root${S}/.ipc/k`, info_fd: true, cwd: o.work, env },
    probes: cg.probes,
    members: cg.procs,
    applied: [`no network, read-only allow-listed filesystem, writable space ${o.diskMB} MB (bubblewrap)`, ...cg.applied],
    warnings: cg.warnings,
    peakBytes: () => cg.peakBytes(),
    cpuSeconds: () => cg.cpuSeconds(),
    dispose: () => cg.dispose(),
  };
}

/** A kernel started directly in `root` (no sandbox): tests, reference runs, --no-sandbox. */
export function directLaunch(root: string, env: Record<string, string>): Launcher {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cs231n-k-"));
  return {
    launch: {
      argv: [path.join(root, "node_modules", ".bin", "tslab"), "kernel", "--config-path", path.join(dir, "kernel.json")],
      connection_file: path.join(dir, "kernel.json"),
      ip: path.join(dir, "k"),
      connect_ip: path.join(dir, "k"),
      info_fd: false,
      cwd: root,
      env: { ...(process.env as Record<string, string>), TF_CPP_MIN_LOG_LEVEL: "2", CS231N_HEADLESS: "1", ...env },
    },
    probes: [],
    members: [],
    applied: [],
    warnings: [],
    peakBytes: () => null,
    cpuSeconds: () => null,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Side-by-side benchmark: every case of bench/compare/cases.json on the project's library (tfjs-node)
 * and on its peers, NumPy and TensorFlow-Python (eager, tf.function, Keras), one after another in
 * the same run on the same machine with the same thread count. The meaningful numbers are the
 * ratios (the project's time over the peer's); absolute times drift between runs on shared machines.
 *
 * The peers live in their own venvs (.venv-bench/numpy, .venv-bench/tf), made by
 * bench/compare/setup.sh on first use; students never need them. Writes artifacts/bench-compare.json
 * and artifacts/bench-compare.md; `npm run bench -- compare --readme` also puts the table in README.md.
 * With `--tiny` (CS231N_BENCH_SIZE=tiny, the CI smoke run) every case runs on tiny sizes and no speed
 * target applies: it proves the whole pipeline works, not how fast it is.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BenchResult } from "./run";
import { readCases, Row, Size, CaseSpec } from "./compare/project";

const ROOT = path.resolve(__dirname, "..");
const ARTIFACTS = path.join(ROOT, "artifacts");
const IMPLS = ["tfjs-node", "numpy", "tf_eager", "tf_function", "keras"] as const;
const IMPL_TITLE: Record<string, string> = {
  "tfjs-node": "project (tfjs-node)", numpy: "NumPy", tf_eager: "TF eager", tf_function: "tf.function", keras: "Keras fit",
};

interface Side {
  info: Record<string, unknown>;
  rows: Row[];
  memory?: { steps: number; numTensorsBefore: number; numTensorsAfter: number; numTensorsAfterEpochs: number[] };
  peakRssMB?: number;
  error?: string;
}

/** FP32 peak of this machine: cores × clock × SIMD lanes × 2 (FMA) × FMA units per core (assumed 2). */
export function cpuPeak(): { gflops: number; how: string } {
  const info = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const flags = /^flags\s*:(.*)$/m.exec(info)?.[1].split(/\s+/) ?? [];
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? NaN);
  const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1].trim() ?? os.cpus()[0]?.model ?? "unknown CPU";
  const family = Number(/^cpu family\s*:\s*(\d+)/m.exec(info)?.[1] ?? NaN);
  const cores = os.cpus().length;
  const lanes = flags.includes("avx512f") ? 16 : flags.includes("avx2") && flags.includes("fma") ? 8 : 4;
  const fmaUnits = 2;
  const gflops = (cores * mhz * lanes * 2 * fmaUnits) / 1000;
  const isa = lanes === 16 ? "AVX-512" : lanes === 8 ? "AVX2+FMA" : "SSE";
  return {
    gflops,
    how: `${model} (family ${family}), ${cores} cores × ${(mhz / 1000).toFixed(2)} GHz (/proc/cpuinfo; boost clocks are not visible in the VM) × ${lanes} fp32 lanes (${isa}) × 2 (FMA) × ${fmaUnits} FMA units per core = ${gflops.toFixed(0)} GFLOP/s`,
  };
}

/** Floating-point operations of a case (forward + backward where the case has one), or undefined. */
export function flops(c: CaseSpec, size: Size): number | undefined {
  const p = c[size] as Record<string, number>;
  const conv = (N: number, C: number, F: number, Ho: number, Wo: number, k: number): number => 2 * N * F * Ho * Wo * C * k * k;
  switch (c.id) {
    case "knn_no_loop": return 2 * p.numTest * p.numTrain * p.dim;
    case "affine_relu": return 3 * 2 * p.N * p.D * p.M;
    case "conv_7x7":
    case "conv_3x3": {
      const Ho = 1 + (p.H + 2 * p.pad - p.HH) / p.stride, Wo = 1 + (p.W + 2 * p.pad - p.WW) / p.stride;
      return 3 * conv(p.N, p.C, p.F, Ho, Wo, p.HH);
    }
    case "cnn_step": {
      const pooled = p.F * (p.H / 2) * (p.W / 2);
      return 3 * (conv(p.N, p.C, p.F, p.H, p.W, p.filter) + 2 * p.N * pooled * p.hidden + 2 * p.N * p.hidden * p.classes);
    }
    default: return undefined;
  }
}

function runSide(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Side {
  process.stderr.write(`[bench compare] ${label}: ${path.relative(ROOT, cmd)} ${args.join(" ")}\n`);
  try {
    const out = execFileSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
    return JSON.parse(out.slice(out.indexOf("{"))) as Side;
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    process.stderr.write(`[bench compare] ${label} failed: ${why}\n`);
    return { info: {}, rows: [], error: why };
  }
}

function blas(info: Record<string, unknown>): string {
  const b = info.numpyBlas as Record<string, string> | undefined;
  return b ? `${b.name ?? "BLAS"} ${b.version ?? ""}`.trim() : "BLAS unknown";
}

/** A time with its unit ("19.1 ms", "38.4 s"). */
function withUnit(ms: number): string {
  const t = fmtMs(ms);
  return t.endsWith(" s") ? t : `${t} ms`;
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export async function run(): Promise<BenchResult[]> {
  const size: Size = process.env.CS231N_BENCH_SIZE === "tiny" ? "tiny" : "full";
  const spec = readCases();
  const threads = String(os.cpus().length);
  const only = process.env.CS231N_BENCH_CASES; // comma-separated case ids, for profiling one case
  const caseArgs = only ? ["--cases", only] : [];
  const env = {
    ...process.env, TF_CPP_MIN_LOG_LEVEL: "2", OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads,
  };

  let peersProblem: string | undefined;
  try {
    execFileSync("bash", [path.join(__dirname, "compare", "setup.sh")], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  } catch (e) {
    peersProblem = `peer set-up failed (bash bench/compare/setup.sh): ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  const sides: Side[] = [runSide("project", process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "compare", "project.ts"), "--size", size, ...caseArgs], env)];
  if (!peersProblem) {
    const peers = path.join(__dirname, "compare", "peers.py");
    sides.push(runSide("NumPy", path.join(ROOT, ".venv-bench/numpy/bin/python"), [peers, "--impl", "numpy", "--size", size, "--threads", threads, ...caseArgs], env));
    sides.push(runSide("TensorFlow-Python", path.join(ROOT, ".venv-bench/tf/bin/python"), [peers, "--impl", "tf", "--size", size, "--threads", threads, ...caseArgs], env));
  }
  const [project, numpySide, tfSide] = sides;
  const rows = sides.flatMap((s) => s.rows);
  const ms = (caseId: string, impl: string): number | undefined => rows.find((r) => r.case === caseId && r.impl === impl)?.ms;
  const peak = cpuPeak();

  const results: BenchResult[] = [];
  const table: string[] = [];
  const header = ["case", ...IMPLS.map((i) => IMPL_TITLE[i]), "project GFLOP/s (% of peak)", "project / peer (target)"];
  table.push(`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`);
  const jsonCases: Record<string, unknown>[] = [];
  for (const c of spec.cases) {
    if (only && !only.split(",").includes(c.id)) continue;
    const mine = ms(c.id, "tfjs-node");
    const f = flops(c, size);
    const gf = f !== undefined && mine !== undefined ? f / (mine * 1e6) : undefined;
    const ratios: string[] = [];
    const caseRatios: Record<string, number> = {};
    for (const [peer, target] of Object.entries(c.target)) {
      const theirs = ms(c.id, peer);
      if (mine === undefined || theirs === undefined) continue;
      const ratio = mine / theirs;
      caseRatios[peer] = ratio;
      const verdict = size === "full" ? (ratio <= target ? " ✓" : " ✗") : "";
      ratios.push(`${ratio.toFixed(2)} × ${IMPL_TITLE[peer]} (≤ ${target})${verdict}`);
      results.push({
        name: `${c.id}: project / ${peer}`, value: ratio, unit: "x",
        ...(size === "full" ? { max: target } : {}),
        note: `${withUnit(mine)} vs ${withUnit(theirs)}`,
      });
    }
    const tfFn = ms(c.id, "tf_function");
    if (mine !== undefined && tfFn !== undefined && !("tf_function" in c.target)) caseRatios.tf_function = mine / tfFn;
    const sizeText = Object.entries(c[size]).map(([k, v]) => `${k} ${Array.isArray(v) ? `[${v.join(", ")}]` : v}`).join(", ");
    table.push(`| ${c.title} <sub>${sizeText}</sub> | ${IMPLS.map((i) => fmtMs(ms(c.id, i))).join(" | ")} | ${gf === undefined ? "—" : `${gf.toFixed(1)} (${((100 * gf) / peak.gflops).toFixed(0)}%)`} | ${ratios.join("; ") || "—"} |`);
    jsonCases.push({ id: c.id, title: c.title, size: c[size], flops: f, ms: Object.fromEntries(IMPLS.map((i) => [i, ms(c.id, i) ?? null])), fwdMs: Object.fromEntries(IMPLS.map((i) => [i, rows.find((r) => r.case === c.id && r.impl === i)?.fwdMs ?? null])), ratios: caseRatios, target: c.target, projectGflops: gf ?? null });
  }
  const mem = project.memory;
  const notes: string[] = [];
  if (mem) {
    notes.push(`Tensors (tf.memory().numTensors) around ${mem.steps} Solver steps of a FullyConnectedNet: ${mem.numTensorsBefore} before, ${mem.numTensorsAfterEpochs.join(" → ")} after each of 4 epochs (the growth after the first step is the optimizer state and the best-parameter copy).`);
    results.push({ name: "tensor count growth from epoch 1 to epoch 4", value: mem.numTensorsAfterEpochs[mem.numTensorsAfterEpochs.length - 1] - mem.numTensorsAfterEpochs[0], unit: "", max: 0 });
  }
  const rss = sides.map((s, i) => `${["project", "NumPy", "TF-Python"][i]} ${s.peakRssMB === undefined ? "—" : `${s.peakRssMB.toFixed(0)} MB`}`).join(", ");
  notes.push(`Peak RSS of each side's whole run: ${rss}.`);
  for (const s of sides) if (s.error) notes.push(`A side failed: ${s.error}`);
  if (peersProblem) notes.push(peersProblem);
  const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
  const machine = `${peak.how}; ${threads} threads on every side`;
  const versions = [
    `project: Node ${String(project.info.node ?? "?")}, tfjs ${String(project.info.tfjs ?? "?")} on TensorFlow 2.18.0 (native), TF_ENABLE_ONEDNN_OPTS=${String(project.info.TF_ENABLE_ONEDNN_OPTS ?? "?")}`,
    numpySide ? `NumPy ${String(numpySide.info.numpy ?? "?")} (${blas(numpySide.info)})` : "",
    tfSide ? `TensorFlow-Python ${String(tfSide.info.tensorflow ?? "?")} + Keras ${String(tfSide.info.keras ?? "?")} (oneDNN ${tfSide.info.tfOneDnnEnabled === true ? "on" : tfSide.info.tfOneDnnEnabled === false ? "off" : "?"}, ${String(tfSide.info.tfIntraOpThreads ?? "?")} intra-op threads)` : "",
  ].filter(Boolean).join("; ");
  const md = [
    `Side-by-side benchmark (${size} sizes), ${stamp} UTC. Machine: ${machine}.`,
    `Versions: ${versions}.`,
    `Wall-clock medians in ms (${spec.reps[size]} runs after ${spec.warmup[size]} warm-up runs; epochs: one timed epoch after a few warm-up steps). ` +
      "Layouts: the project and NumPy use the course's NCHW; TensorFlow-Python gets NHWC, its native CPU layout. Ratios are the project's time over the peer's.",
    "",
    ...table,
    "",
    ...notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, "bench-compare.md"), md);
  fs.writeFileSync(path.join(ARTIFACTS, "bench-compare.json"), JSON.stringify({ size, date: new Date().toISOString(), machine, peakGflops: peak.gflops, threads: Number(threads), sides: sides.map((s) => ({ info: s.info, peakRssMB: s.peakRssMB ?? null, error: s.error ?? null })), cases: jsonCases, memory: mem ?? null, rows }, null, 2));
  console.log(md);
  if (process.env.CS231N_BENCH_README === "1") updateReadme(md, size);
  return results;
}

/** Replaces the README's benchmark section (between the BENCH markers) with the table of a full run. */
function updateReadme(md: string, size: Size): void {
  if (size !== "full") throw new Error("--readme takes a full-size run's table, not a --tiny one");
  const file = path.join(ROOT, "README.md");
  const text = fs.readFileSync(file, "utf8");
  const begin = "<!-- BENCH:BEGIN (npm run bench -- compare --readme) -->", end = "<!-- BENCH:END -->";
  const a = text.indexOf(begin), b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${begin} … ${end} section to update`);
  fs.writeFileSync(file, text.slice(0, a + begin.length) + "\n" + md + text.slice(b));
  console.log("README.md: benchmark section updated");
}

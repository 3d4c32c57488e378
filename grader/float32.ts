/**
 * The float32 margin policy for grading rules (issue: thresholds must hold on every x86-64 CPU).
 *
 * tfjs-node's matmul runs on oneDNN's sgemm, which chooses its kernel by the CPU's instruction set at
 * run time: AVX-512 and AVX2 machines sum in different orders and round differently. Every `<=` rule
 * on a float32 error measure, and every `rel`/`abs` tolerance against a reference value, must leave a
 * safety factor of MARGIN over the worst value seen across instruction sets (`npm run float32:sweep`
 * measures it; the notebook tests assert it on the CPU they run on, with a non-native ISA forced).
 */
import { Rule } from "./rules";

/** Required factor between a float32 threshold (or tolerance) and the worst value seen. */
export const FLOAT32_MARGIN = 5;

/** Instruction-set caps (`ONEDNN_MAX_CPU_ISA`) that reproduce other machines on this one; "native" = no cap. */
export const ISAS = ["native", "AVX2", "AVX", "SSE41"] as const;

type Num = number | string | boolean;
const toNum = (v: Num): number => (typeof v === "number" ? v : v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : NaN);

/**
 * How much of a rule's room a value uses: for `<=` the value over the threshold, for `rel`/`abs` the worst
 * deviation from the reference over the tolerance (0 = exact, 1 = at the limit). NaN for other rules.
 * A value passes with the float32 margin when this is ≤ 1 / FLOAT32_MARGIN.
 */
export function fractionOfLimit(rule: Rule, got: Num | Num[], want?: Num | Num[] | null): number {
  if (rule.rule === "<=") return Array.isArray(got) ? Infinity : toNum(got) / rule.threshold;
  if (rule.rule !== "rel" && rule.rule !== "abs") return NaN;
  if (want === undefined || want === null) return Infinity;
  const w = Array.isArray(want) ? want : [want];
  const g = Array.isArray(got) ? got : [got];
  if (w.length !== g.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    const a = toNum(w[i]);
    const b = toNum(g[i]);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      if (!(Number.isNaN(a) && Number.isNaN(b)) && a !== b) return Infinity;
      continue;
    }
    const d = Math.abs(a - b);
    if (d <= 1e-12) continue;
    worst = Math.max(worst, d / (rule.rule === "abs" ? rule.tol : rule.tol * Math.max(Math.abs(a), 1e-12)));
  }
  return worst;
}

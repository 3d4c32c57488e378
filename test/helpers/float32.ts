/**
 * What a solution notebook's headless run must satisfy, from the rules and references themselves (one
 * source of truth, no thresholds typed into tests):
 *   - it emits every check that the quick references list for it, and each one passes its quick rule;
 *   - float32 margin (grader/float32.ts): every check with a `<=`, `rel` or `abs` rule uses at most
 *     1/FLOAT32_MARGIN of its limit (threshold, or tolerance against the committed reference).
 * Notebook tests run with a non-native instruction set forced (NOTEBOOK_TEST_ENV), so a CPU that sums in
 * another order than the one that generated the references is always exercised.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { assignment, referencesFor } from "../../grader/course";
import { FLOAT32_MARGIN, fractionOfLimit } from "../../grader/float32";
import { loadRules, ReferencesFile } from "../../grader/references";
import { compare, Value } from "../../grader/rules";
import type { CheckRecord } from "./notebook";
import { relErrorScaled } from "../../lib/gradientCheck";
import type { Tensor } from "../../lib/tf";

/** Kernel environment of the notebook tests: quick mode, and oneDNN's matmul as on an AVX2 machine. */
export const NOTEBOOK_TEST_ENV = { CS231N_QUICK: "1", ONEDNN_MAX_CPU_ISA: "AVX2" };

/** Problems of one notebook's checks against its quick rules and the float32 margin ([] = all good). */
export function ruleProblems(assignmentName: string, notebook: string, checks: Record<string, CheckRecord>): string[] {
  const a = assignment(assignmentName);
  const rules = loadRules(a, true);
  const ref = JSON.parse(fs.readFileSync(referencesFor(a, true), "utf8")) as ReferencesFile;
  const out: string[] = [];
  for (const [id, rc] of Object.entries(ref.checks)) {
    if (rc.notebook !== notebook) continue;
    const c = checks[id];
    if (!c) {
      out.push(`${id}: not emitted`);
      continue;
    }
    const rule = rules[id];
    const v = compare(rule, { value: rc.value as Value, shape: rc.shape }, { value: c.value as Value, shape: c.shape });
    if (!v.passed) out.push(`${id}: fails its quick rule: ${v.message}`);
    const f = fractionOfLimit(rule, c.value, rc.value as CheckRecord["value"]);
    if (f > 1 / FLOAT32_MARGIN) out.push(`${id} = ${JSON.stringify(c.value).slice(0, 60)} uses ${(100 * f).toFixed(0)}% of its ${rule.rule} limit (float32 policy: ≤ ${100 / FLOAT32_MARGIN}%)`);
  }
  return out;
}

/**
 * Unit-test form of the policy: two float32 computations of the same values (e.g. a hand-written
 * gradient and tf.grad) agree to `limit` in the scale-relative measure (relErrorScaled) with the float32
 * margin, i.e. relErrorScaled(x, y) ≤ limit / FLOAT32_MARGIN. Returns the measured error.
 */
export function assertFloat32Close(x: Tensor | ArrayLike<number>, y: Tensor | ArrayLike<number>, limit: number, what: string): number {
  const e = relErrorScaled(x, y);
  assert.ok(e <= limit / FLOAT32_MARGIN, `${what}: relErrorScaled ${e.toExponential(2)} > ${limit} / ${FLOAT32_MARGIN}`);
  return e;
}

/**
 * Every assignment's accuracy rules mean something in both modes (computed from the committed rules and
 * references, nothing typed in): each `>=` rule on an accuracy names a `baseline` check — the accuracy of
 * the best constant predictor on the same split, recorded by the notebook — and
 *   - partial credit starts at or above the baseline (a constant answer earns nothing),
 *   - the threshold is at least BASELINE_GAP above it,
 *   - the solution's reference value clears the threshold.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { assignment, referencesFor } from "../grader/course";
import { loadRules, ReferencesFile } from "../grader/references";

const BASELINE_GAP = 0.05;
const ROOT = path.resolve(__dirname, "..");
const assignments = fs.readdirSync(path.join(ROOT, "notebooks")).filter((d) => fs.existsSync(path.join(ROOT, "notebooks", d, "grading.json")));

describe("grading rules: accuracy thresholds beat the best constant predictor", () => {
  it("finds assignments with rules", () => assert.ok(assignments.includes("assignment1")));
  for (const name of assignments) {
    for (const quick of [false, true]) {
      it(`${name} (${quick ? "quick" : "full"} mode)`, () => {
        const a = assignment(name);
        const rules = loadRules(a, quick);
        const ref = JSON.parse(fs.readFileSync(referencesFor(a, quick), "utf8")) as ReferencesFile;
        const problems: string[] = [];
        const value = (id: string): number => {
          const v = ref.checks[id]?.value;
          return typeof v === "number" ? v : NaN;
        };
        for (const [id, rule] of Object.entries(rules)) {
          if (rule.rule !== ">=" || !/accuracy$/.test(id)) continue;
          const baseline = (rule as { baseline?: string }).baseline;
          if (!baseline || !rules[baseline]) {
            problems.push(`${id}: no baseline check (the best constant predictor's accuracy on its split)`);
            continue;
          }
          const b = value(baseline);
          if (!(b > 0 && b < 1)) problems.push(`${id}: baseline ${baseline} has no reference value (${b})`);
          if (rule.partialFrom !== undefined && rule.partialFrom < b) problems.push(`${id}: partial credit from ${rule.partialFrom}, below the constant predictor's ${b.toFixed(3)}`);
          if (rule.threshold < b + BASELINE_GAP) problems.push(`${id}: threshold ${rule.threshold} is not ${BASELINE_GAP} above the constant predictor's ${b.toFixed(3)}`);
          if (!(value(id) >= rule.threshold)) problems.push(`${id}: the solution's ${value(id)} does not reach the threshold ${rule.threshold}`);
        }
        assert.deepEqual(problems, []);
      });
    }
  }

  it("assignment 1: the cross-validated k is not the first choice (a predictor that ignores k would match it)", () => {
    for (const quick of [false, true]) {
      const ref = JSON.parse(fs.readFileSync(referencesFor(assignment("assignment1"), quick), "utf8")) as ReferencesFile;
      assert.notEqual(ref.checks["knn/best_k"].value, 1, quick ? "quick" : "full");
    }
  });
});

/**
 * Comparison rules for checks (SPEC section 5). The hand-maintained rules file
 * notebooks/<assignment>/grading.json maps check id → rule + points:
 *
 *   { "knn/dists_two_loops": {"rule": "rel", "tol": 1e-6, "points": 2, "partial": true},
 *     "svm/grad_error":      {"rule": "<=", "threshold": 1e-7, "points": 1},
 *     "knn/accuracy":        {"rule": ">=", "threshold": 0.27, "partialFrom": 0.2, "points": 3},
 *     "knn/k_best":          {"rule": "exact", "points": 1},
 *     "svm/loss":            {"rule": "abs", "tol": 1e-4, "points": 1} }
 *
 * `partial` (abs/rel/exact on arrays): credit = fraction of matching elements.
 * `quick` overrides fields in quick mode (CS231N_QUICK=1, tiny training subsets), e.g.
 *   "knn/k1_accuracy": {"rule": ">=", "threshold": 0.25, "points": 3, "quick": {"threshold": 0.15}}
 * `partialFrom` (>=, <=): linear credit between partialFrom and threshold.
 * Reference values are generated (references.json), never typed in.
 */
export type Rule =
  | { rule: "exact"; points: number; partial?: boolean; hidden?: boolean }
  | { rule: "abs" | "rel"; tol: number; points: number; partial?: boolean; hidden?: boolean }
  | { rule: "<=" | ">="; threshold: number; partialFrom?: number; points: number; hidden?: boolean };

export type Scalar = number | string | boolean;
export type Value = Scalar | Scalar[];
export interface Reference {
  value: Value | null;
  shape?: number[] | null;
  notebook: string;
  rule: Rule;
  points: number;
}

export interface Verdict {
  score: number;
  max: number;
  passed: boolean;
  message: string;
}

const num = (x: Scalar): number =>
  typeof x === "number" ? x : x === "NaN" ? NaN : x === "Infinity" ? Infinity : x === "-Infinity" ? -Infinity : typeof x === "boolean" ? Number(x) : NaN;

export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(2);
}
function fmtVal(v: Value | null | undefined): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return `[${v.slice(0, 4).map((x) => (typeof x === "number" ? fmtNum(x) : JSON.stringify(x))).join(", ")}${v.length > 4 ? `, … (${v.length} values)` : ""}]`;
  return typeof v === "number" ? fmtNum(v) : JSON.stringify(v);
}
const shapeStr = (s: number[] | null | undefined): string => (s ? `(${s.join(", ")})` : "scalar");

function elemOk(rule: Rule, got: Scalar, want: Scalar): boolean {
  if (rule.rule === "exact") return typeof got === typeof want ? got === want : num(got) === num(want);
  const g = num(got);
  const w = num(want);
  if (Number.isNaN(w)) return Number.isNaN(g);
  if (!Number.isFinite(w)) return g === w;
  if (!Number.isFinite(g)) return false;
  const d = Math.abs(g - w);
  if (rule.rule === "abs") return d <= rule.tol;
  if (rule.rule === "rel") return d <= rule.tol * Math.max(Math.abs(w), 1e-12) || d <= 1e-12;
  return false;
}

/**
 * Compares a student's check (or its absence) with the reference under the rule. With
 * `opts.hideExpected` (hidden tests) the message says what went wrong (wrong shape, how far off)
 * without showing the expected values.
 */
export function compare(
  rule: Rule,
  ref: { value: Value | null; shape?: number[] | null },
  got: { value: Value; shape?: number[] | null } | undefined,
  missingReason?: string,
  opts: { hideExpected?: boolean } = {},
): Verdict {
  const hide = !!opts.hideExpected;
  const max = rule.points;
  const fail = (message: string): Verdict => ({ score: 0, max, passed: false, message });
  if (!got) return fail(missingReason ?? "no value was recorded for this check (did its cell run?)");
  if (rule.rule === "<=" || rule.rule === ">=") {
    if (Array.isArray(got.value)) return fail(`expected a single number, got an array of shape ${shapeStr(got.shape)}`);
    const g = num(got.value);
    const ok = rule.rule === "<=" ? g <= rule.threshold : g >= rule.threshold;
    if (ok) return { score: max, max, passed: true, message: `${rule.rule === "<=" ? "≤" : "≥"} ${fmtNum(rule.threshold)}: got ${fmtNum(g)}` };
    let score = 0;
    if (rule.partialFrom !== undefined && Number.isFinite(g)) {
      const f = (g - rule.partialFrom) / (rule.threshold - rule.partialFrom);
      if (f > 0) score = Math.round(max * Math.min(1, f) * 100) / 100;
    }
    return { score, max, passed: false, message: `expected ${rule.rule === "<=" ? "≤" : "≥"} ${fmtNum(rule.threshold)}, got ${fmtNum(g)}` };
  }
  const tol = (rule as { tol?: number }).tol ?? 0;
  const partial = !!(rule as { partial?: boolean }).partial;
  const want = ref.value;
  if (want === null || want === undefined) return fail("no reference value (grader setup error)");
  const wantArr = Array.isArray(want);
  const gotArr = Array.isArray(got.value);
  const tolText = rule.rule === "exact" ? "exactly" : `within ${rule.rule === "abs" ? "absolute" : "relative"} tolerance ${fmtNum(tol)}`;
  if (wantArr !== gotArr) return fail(`expected ${wantArr ? `an array of shape ${shapeStr(ref.shape)}` : "a single value"}, got ${gotArr ? `an array of shape ${shapeStr(got.shape)}` : "a single value"}`);
  if (!wantArr) {
    if (elemOk(rule, got.value as Scalar, want as Scalar))
      return { score: max, max, passed: true, message: hide ? `matches ${tolText}` : `matches ${fmtVal(want)} ${tolText}` };
    if (!hide) return fail(`expected ${fmtVal(want)} ${tolText}, got ${fmtVal(got.value)}`);
    const d = Math.abs(num(got.value as Scalar) - num(want as Scalar));
    if (rule.rule === "exact" || !Number.isFinite(d)) return fail(`the value ${fmtVal(got.value)} is wrong (it must match ${tolText})`);
    const rel = d / Math.max(Math.abs(num(want as Scalar)), 1e-12);
    return fail(`off by ${fmtNum(d)} (relative ${fmtNum(rel)}); it must match ${tolText}`);
  }
  const w = want as Scalar[];
  const g = got.value as Scalar[];
  const ws = ref.shape ?? [w.length];
  const gs = got.shape ?? [g.length];
  if (ws.join(",") !== gs.join(",") || w.length !== g.length) return fail(`expected shape ${shapeStr(ws)}, got shape ${shapeStr(gs)}`);
  let bad = 0;
  let firstBad = -1;
  let maxErr = 0;
  for (let i = 0; i < w.length; i++) {
    if (!elemOk(rule, g[i], w[i])) {
      bad++;
      if (firstBad < 0) firstBad = i;
    }
    const d = Math.abs(num(g[i]) - num(w[i]));
    if (Number.isFinite(d)) maxErr = Math.max(maxErr, rule.rule === "rel" ? d / Math.max(Math.abs(num(w[i])), 1e-12) : d);
  }
  if (bad === 0) return { score: max, max, passed: true, message: `all ${w.length} values match ${tolText}` };
  const score = partial ? Math.round(max * ((w.length - bad) / w.length) * 100) / 100 : 0;
  const differ = `${bad} of ${w.length} values differ ${rule.rule === "exact" ? "" : `beyond ${rule.rule} tolerance ${fmtNum(tol)} `}`;
  const detail = hide
    ? `(first at flat index ${firstBad}${rule.rule === "exact" ? "" : `; max ${rule.rule} error ${fmtNum(maxErr)}`})`
    : `(first at flat index ${firstBad}: expected ${fmtVal(w[firstBad])}, got ${fmtVal(g[firstBad])}; max ${rule.rule} error ${fmtNum(maxErr)})`;
  return { score, max, passed: false, message: differ + detail };
}

/** A rule as written in grading.json: a Rule, optionally with quick-mode overrides. */
export type RuleSpec = Rule & { quick?: Partial<Record<string, unknown>> };

/** The rule in force for a mode: the spec with its `quick` fields applied in quick mode. */
export function effectiveRule(spec: RuleSpec, quick: boolean): Rule {
  const { quick: q, ...base } = spec;
  return (quick && q ? { ...base, ...q } : base) as Rule;
}

/** Validates a rules file's content in both modes; returns problems. */
export function validateRules(rules: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [id, r0] of Object.entries(rules)) {
    if (id.startsWith("$")) continue;
    if (!r0 || typeof r0 !== "object") {
      problems.push(`${id}: a rule must be an object like {"rule": "exact", "points": 1}`);
      continue;
    }
    const q = (r0 as RuleSpec).quick;
    if (q !== undefined && (typeof q !== "object" || q === null || "quick" in q || "rule" in q)) {
      problems.push(`${id}: "quick" must be an object of overrides (threshold, partialFrom, tol, points), not a new rule`);
      continue;
    }
    const full = ruleProblem(effectiveRule(r0 as RuleSpec, false));
    const quick = ruleProblem(effectiveRule(r0 as RuleSpec, true));
    if (full) problems.push(`${id}: ${full}`);
    else if (quick) problems.push(`${id} (quick): ${quick}`);
  }
  return problems;
}

function ruleProblem(rule: Rule): string | null {
  const r = rule as unknown as Record<string, unknown>;
  if (typeof r.points !== "number") return "points missing";
  if (!["exact", "abs", "rel", "<=", ">="].includes(String(r.rule))) return `unknown rule ${JSON.stringify(r.rule)}`;
  if ((r.rule === "abs" || r.rule === "rel") && typeof r.tol !== "number") return "tol missing";
  if ((r.rule === "<=" || r.rule === ">=") && typeof r.threshold !== "number") return "threshold missing";
  return null;
}

/**
 * Trivial implementations of an assignment's student functions, to run through the hidden tests
 * (each must score 0 there): every function and method the student writes is wrapped so that it
 * answers with outputs of the right shapes and types but trivial content:
 *   zero      every tensor zeros, every number 0 (a classifier's trained W too);
 *   constant  every tensor and number 1 (a constant predictor);
 *   identity  every tensor the function's first tensor argument (reshaped when it has the size),
 *             numbers 0 (relu forward returns x, relu backward dout, …).
 * The wrappers call the solution only to learn the output shapes. `trivialLib` writes them as
 * lib/trivial.ts, loaded last by lib/index.ts, into a copy of the course's lib; the kind is read at
 * each call from `globalThis.CS231N_TRIVIAL` (`trivialCells` sets it in every cell), so one kernel
 * runs the hidden tests against all three.
 */
import * as fs from "fs";
import * as path from "path";
import type { Assignment } from "../../grader/course";
import { compareChecks } from "../../grader/pipeline/compare";
import { hiddenSession, RunUnit } from "../../grader/pipeline/run";
import { loadReferences } from "../../grader/references";
import { runSessions, SessionCell, SessionResult, TRUSTED_LIMITS } from "../../grader/runNotebook";
import { directLaunch } from "../../grader/sandbox";

export type Trivial = "zero" | "constant" | "identity";
export const TRIVIAL: Trivial[] = ["zero", "constant", "identity"];

/** Module (the file that defines them) → exported functions the student writes, per assignment. */
const A1_FUNCTIONS: Record<string, string[]> = {
  "./layers/affine": ["affineForward", "affineBackward"],
  "./layers/relu": ["reluForward", "reluBackward"],
  "./layers/losses": ["svmLoss", "softmaxLoss"],
  "./layerUtils": ["affineReluForward", "affineReluBackward"],
  "./optim": ["sgd"],
  "./classifiers/linearSvm": ["svmLossNaive", "svmLossVectorized"],
  "./classifiers/softmax": ["softmaxLossNaive", "softmaxLossVectorized"],
};
/** Module → class → methods the student writes (assignment 1). */
const A1_METHODS: Record<string, Record<string, string[]>> = {
  "./classifiers/kNearestNeighbor": { KNearestNeighbor: ["computeDistancesTwoLoops", "computeDistancesOneLoop", "computeDistancesNoLoops", "predictLabels"] },
  "./classifiers/linearClassifier": { LinearClassifier: ["train", "predict"] },
  "./classifiers/fcNet": { TwoLayerNet: ["loss"] },
};
/** Assignment 2 adds these (and its students bring assignment 1's code). */
const A2_FUNCTIONS: Record<string, string[]> = {
  "./layers/batchnorm": ["batchnormForward", "batchnormBackward", "batchnormBackwardAlt"],
  "./layers/layernorm": ["layernormForward", "layernormBackward"],
  "./layers/dropout": ["dropoutForward", "dropoutBackward"],
  "./layerUtils": ["affineNormReluForward", "affineNormReluBackward", "convReluForward", "convReluBackward", "convReluPoolForward", "convReluPoolBackward"],
  "./optim": ["sgdMomentum", "rmsprop", "adam"],
  "./layers/conv": ["convForwardNaive", "convBackwardNaive", "maxPoolForwardNaive", "maxPoolBackwardNaive"],
  "./layers/spatialNorm": ["spatialBatchnormForward", "spatialBatchnormBackward", "spatialGroupnormForward", "spatialGroupnormBackward"],
};
const A2_METHODS: Record<string, Record<string, string[]>> = {
  "./classifiers/fcNet": { FullyConnectedNet: ["loss"] },
  "./classifiers/cnn": { ThreeLayerConvNet: ["loss"] },
};

function tables(assignment: string): { functions: Record<string, string[]>; methods: Record<string, Record<string, string[]>> } {
  if (assignment === "assignment1") return { functions: A1_FUNCTIONS, methods: A1_METHODS };
  if (assignment === "assignment2") {
    const functions: Record<string, string[]> = { ...A1_FUNCTIONS };
    for (const [m, f] of Object.entries(A2_FUNCTIONS)) functions[m] = [...(functions[m] ?? []), ...f];
    const methods: Record<string, Record<string, string[]>> = { ...A1_METHODS };
    for (const [m, c] of Object.entries(A2_METHODS)) methods[m] = { ...(methods[m] ?? {}), ...c };
    return { functions, methods };
  }
  throw new Error(`trivial: no table of student functions for ${assignment}`);
}

export function trivialSource(assignment = "assignment1"): string {
  const { functions, methods } = tables(assignment);
  const imports: string[] = ['import { tf, Tensor } from "./tf";'];
  const patches: string[] = [];
  let n = 0;
  for (const [mod, names] of Object.entries(functions)) {
    const m = `m${n++}`;
    imports.push(`import * as ${m} from ${JSON.stringify(mod)};`);
    for (const f of names) patches.push(`wrapFunction(${m} as unknown as Record<string, unknown>, ${JSON.stringify(f)});`);
  }
  for (const [mod, classes] of Object.entries(methods))
    for (const [cls, methods] of Object.entries(classes)) {
      imports.push(`import { ${cls} } from ${JSON.stringify(mod)};`);
      for (const meth of methods) patches.push(`wrapMethod(${cls}.prototype as unknown as Record<string, unknown>, ${JSON.stringify(meth)});`);
    }
  return `// Trivial versions of the student's functions, for the mutation test (test/helpers/trivial.ts).
${imports.join("\n")}

function kind(): string {
  const k = (globalThis as { CS231N_TRIVIAL?: string }).CS231N_TRIVIAL;
  if (k !== "zero" && k !== "constant" && k !== "identity") throw new Error("trivial: CS231N_TRIVIAL is not set");
  return k;
}
function fake(out: unknown, args: unknown[]): unknown {
  const KIND = kind();
  if (out instanceof tf.Tensor) {
    if (KIND === "zero") return tf.zerosLike(out);
    if (KIND === "constant") return tf.fill(out.shape, 1, out.dtype);
    const x = args.find((a): a is Tensor => a instanceof tf.Tensor);
    if (!x) return tf.zerosLike(out);
    return x.size === out.size ? x.reshape(out.shape) : x;
  }
  if (typeof out === "number") return KIND === "constant" ? 1 : 0;
  if (Array.isArray(out)) return out.map((o) => fake(o, args));
  if (out && typeof out === "object") {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(out)) r[k] = fake(v, args);
    return r;
  }
  return out;
}
function wrapFunction(mod: Record<string, unknown>, name: string): void {
  const f = mod[name] as (...a: unknown[]) => unknown;
  if (typeof f !== "function") throw new Error("trivial: no function " + name);
  mod[name] = (...a: unknown[]) => {
    const out = f(...a);
    // state a function keeps in an argument object (batchnorm's running statistics) is trivial too
    for (const p of a)
      if (p && typeof p === "object" && !(p instanceof tf.Tensor) && !Array.isArray(p))
        for (const [k, v] of Object.entries(p)) if (v instanceof tf.Tensor) (p as Record<string, unknown>)[k] = fake(v, a);
    return fake(out, a);
  };
}
function wrapMethod(proto: Record<string, unknown>, name: string): void {
  const f = proto[name] as (...a: unknown[]) => unknown;
  if (typeof f !== "function") throw new Error("trivial: no method " + name);
  proto[name] = function (this: { W?: unknown }, ...a: unknown[]) {
    const out = f.apply(this, a);
    if (name === "train") this.W = fake(this.W, a); // the trained weights are trivial too
    return fake(out, a);
  };
}
${patches.join("\n")}
`;
}

/** Writes the trivial lib into `root`/lib: a copy of `libDir` whose index.ts loads trivial.ts last. */
export function trivialLib(libDir: string, root: string, assignment = "assignment1"): void {
  const lib = path.join(root, "lib");
  fs.rmSync(lib, { recursive: true, force: true });
  fs.cpSync(libDir, lib, { recursive: true });
  fs.writeFileSync(path.join(lib, "trivial.ts"), trivialSource(assignment));
  fs.appendFileSync(path.join(lib, "index.ts"), '\nimport "./trivial";\n');
}

/**
 * The hidden tests' cells once per kind, in one session: every cell first sets the kind (so a
 * setup replayed after a restart sets it too); units are "<kind>:<hidden unit>".
 */
export function trivialCells(hidden: SessionCell[]): SessionCell[] {
  return TRIVIAL.flatMap((k) =>
    hidden.map((c) => ({ ...c, unit: `${k}:${c.unit}`, source: `(globalThis as { CS231N_TRIVIAL?: string }).CS231N_TRIVIAL = ${JSON.stringify(k)};\n${c.source}` })),
  );
}

/**
 * Runs the assignment's hidden tests against each trivial lib (one kernel, unsandboxed: trusted
 * code) in a scratch course under `tmp`, and returns per kind the hidden checks that earned points
 * (must be none) and how many values each kind recorded (a crash would score 0 without proving
 * anything).
 */
export async function trivialHiddenScores(a: Assignment, tmp: string): Promise<Record<Trivial, { recorded: number; scored: string[] }>> {
  const root = path.join(tmp, `trivial-${a.name}`);
  fs.mkdirSync(root, { recursive: true });
  trivialLib(a.libDir, root, a.name);
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(a.courseRoot, f), path.join(root, f));
  fs.symlinkSync(fs.realpathSync(path.join(a.courseRoot, "node_modules")), path.join(root, "node_modules"));
  const hidden = hiddenSession(a);
  const launcher = directLaunch(root, {});
  let r: SessionResult;
  try {
    [r] = await runSessions([{ name: "trivial", cells: trivialCells(hidden) }], launcher, { timeoutCellSec: 300, limits: TRUSTED_LIMITS });
  } finally {
    launcher.dispose();
  }
  if (!r.ok) throw new Error(`trivial libs: the kernel failed: ${r.error}`);
  const ref = loadReferences(a, true);
  const units = Array.from(new Set(hidden.map((c) => c.unit)));
  const out = {} as Record<Trivial, { recorded: number; scored: string[] }>;
  for (const kind of TRIVIAL) {
    const mine: RunUnit[] = units.map((u) => ({
      name: u as string,
      kind: "hidden",
      cells: r.cells.filter((c) => c.unit === `${kind}:${u}`),
      checks: r.checks.filter((c) => c.unit === `${kind}:${u}`),
      seconds: 0,
    }));
    out[kind] = {
      recorded: mine.reduce((s, u) => s + u.checks.length, 0),
      scored: compareChecks(ref, mine).filter((c) => c.hidden && c.max > 0 && c.score > 0).map((c) => `${c.id} ${c.score}/${c.max}: ${c.message}`),
    };
  }
  return out;
}

/**
 * Trivial implementations of assignment 1's student functions, to run through the hidden tests
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
import type { SessionCell } from "../../grader/runNotebook";

export type Trivial = "zero" | "constant" | "identity";
export const TRIVIAL: Trivial[] = ["zero", "constant", "identity"];

/** Module → exported functions the student writes (assignment 1). */
const FUNCTIONS: Record<string, string[]> = {
  "./layers": ["affineForward", "affineBackward", "reluForward", "reluBackward", "svmLoss", "softmaxLoss"],
  "./layerUtils": ["affineReluForward", "affineReluBackward"],
  "./optim": ["sgd"],
  "./classifiers/linearSvm": ["svmLossNaive", "svmLossVectorized"],
  "./classifiers/softmax": ["softmaxLossNaive", "softmaxLossVectorized"],
};
/** Module → class → methods the student writes. */
const METHODS: Record<string, Record<string, string[]>> = {
  "./classifiers/kNearestNeighbor": { KNearestNeighbor: ["computeDistancesTwoLoops", "computeDistancesOneLoop", "computeDistancesNoLoops", "predictLabels"] },
  "./classifiers/linearClassifier": { LinearClassifier: ["train", "predict"] },
  "./classifiers/fcNet": { TwoLayerNet: ["loss"] },
};

export function trivialSource(): string {
  const imports: string[] = ['import { tf, Tensor } from "./tf";'];
  const patches: string[] = [];
  let n = 0;
  for (const [mod, names] of Object.entries(FUNCTIONS)) {
    const m = `m${n++}`;
    imports.push(`import * as ${m} from ${JSON.stringify(mod)};`);
    for (const f of names) patches.push(`wrapFunction(${m} as unknown as Record<string, unknown>, ${JSON.stringify(f)});`);
  }
  for (const [mod, classes] of Object.entries(METHODS))
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
  mod[name] = (...a: unknown[]) => fake(f(...a), a);
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
export function trivialLib(libDir: string, root: string): void {
  const lib = path.join(root, "lib");
  fs.rmSync(lib, { recursive: true, force: true });
  fs.cpSync(libDir, lib, { recursive: true });
  fs.writeFileSync(path.join(lib, "trivial.ts"), trivialSource());
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

/**
 * Numerical gradient checking (cs231n's gradient_check.py) for float32 tensors.
 *
 * All numerical gradients use central differences `(f(x + h) - f(x - h)) / (2h)`. tfjs has no
 * float64, so the step `h` must be much larger than the course's 1e-5: with float32 the rounding
 * error of f is about 1e-7 * |f|, which divided by 2h swamps the gradient when h is tiny. The
 * defaults below (h = 1e-3 for scalar losses, h = 1e-2 for layer outputs) are suited to float32.
 * We divide by the step that was really taken, `fl(x + h) - fl(x - h)` in float32, not by 2h, so the
 * rounding of the perturbed input itself does not add error. When f itself computes in float64 (the
 * naive losses, which loop over JS numbers), the truncation error of large steps dominates instead,
 * and a small step such as h = 1e-5 (the course's) is the better choice.
 */
import { tf, Tensor } from "./tf";
import { seededRandom } from "./util";
// BEGIN ASSIGNMENT assignment2
import type { Model } from "./solver";
// END ASSIGNMENT

/**
 * Runs one evaluation of a user function in its own engine scope: tensors it creates and does not
 * return are freed, so `(w) => svmLossNaive(w, X, y, reg)[0]` (which drops dW) does not leak.
 */
function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

function toArray(x: Tensor | number | ArrayLike<number>): Float64Array {
  if (typeof x === "number") return Float64Array.of(x);
  if (x instanceof tf.Tensor) return Float64Array.from(x.dataSync() as ArrayLike<number>);
  return Float64Array.from(x);
}

/**
 * The one central-difference loop behind every numerical gradient here. For each flat index i of
 * `indices`, evaluates `evalAt` on a fresh copy of x with x_i set to fl(x_i + h) and to fl(x_i - h)
 * (each evaluation in its own scope, the tensor disposed afterwards) and calls
 * `onIndex(i, delta(plus, minus) / (fl(x_i + h) - fl(x_i - h)))`.
 */
function centralDifferences<T>(
  x: Tensor,
  h: number,
  indices: Iterable<number>,
  evalAt: (t: Tensor) => T,
  delta: (plus: T, minus: T) => number,
  onIndex: (i: number, g: number) => void,
): void {
  const base = Float32Array.from(x.dataSync() as ArrayLike<number>);
  const at = (buf: Float32Array): T => {
    const t = tf.tensor(buf, x.shape, "float32");
    try {
      return scoped(() => evalAt(t));
    } finally {
      t.dispose();
    }
  };
  for (const i of indices) {
    const old = base[i];
    const plus = Math.fround(old + h);
    const minus = Math.fround(old - h);
    base[i] = plus;
    const fPlus = at(base);
    base[i] = minus;
    const fMinus = at(base);
    base[i] = old;
    onIndex(i, delta(fPlus, fMinus) / (plus - minus));
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/**
 * Numerical gradient of a scalar function at x (any shape), by central differences.
 * f: takes a tensor shaped like x and returns a number (e.g. a loss). Each evaluation gets a fresh
 * tensor, which is disposed afterwards (f must not keep it), and runs in its own scope, so tensors
 * that f creates and drops are freed.
 * Returns a float32 tensor shaped like x. Default h = 1e-3 (float32-suited, see module doc).
 * With `verbose`, prints every index and its gradient as the course does.
 */
export function evalNumericalGradient(
  f: (x: Tensor) => number,
  x: Tensor,
  opts: { h?: number; verbose?: boolean } = {},
): Tensor {
  const { h = 1e-3, verbose = false } = opts;
  const grad = new Float32Array(x.size);
  centralDifferences(x, h, range(x.size), f, (p, m) => p - m, (i, g) => {
    grad[i] = g;
    if (verbose) console.log(`${i} ${g}`);
  });
  return tf.tensor(grad, x.shape, "float32");
}

/**
 * Numerical gradient of a tensor-valued function f at x, contracted with the upstream gradient df:
 * grad[i] = sum((f(x + h e_i) - f(x - h e_i)) * df) / (2h). x any shape, df shaped like f(x).
 * Returns a float32 tensor shaped like x. Default h = 1e-2 (float32-suited; layer outputs are O(1)).
 * Tensors that f creates (including its result) are disposed; f must not keep its argument.
 */
export function evalNumericalGradientArray(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  df: Tensor,
  h = 1e-2,
): Tensor {
  const dfa = df.dataSync() as ArrayLike<number>;
  const grad = new Float32Array(x.size);
  const out = (t: Tensor): Float32Array => Float32Array.from(f(t).dataSync() as ArrayLike<number>);
  const contracted = (pos: Float32Array, neg: Float32Array): number => {
    if (pos.length !== dfa.length) throw new Error(`evalNumericalGradientArray: f(x) has ${pos.length} elements, df has ${dfa.length}`);
    let s = 0;
    for (let j = 0; j < pos.length; j++) s += (pos[j] - neg[j]) * dfa[j];
    return s;
  };
  centralDifferences(x, h, range(x.size), out, contracted, (i, g) => (grad[i] = g));
  return tf.tensor(grad, x.shape, "float32");
}

/** One sampled comparison made by gradCheckSparse. */
export interface SparseGradCheck {
  /** flat (row-major) index into x */
  index: number;
  numerical: number;
  analytic: number;
  /** |numerical - analytic| / (|numerical| + |analytic|) */
  relError: number;
}

/**
 * Checks `numChecks` randomly chosen elements of an analytic gradient against central differences
 * (the course's grad_check_sparse). f: x -> number; x (any shape); analyticGrad shaped like x.
 * Prints one line per element and returns the comparisons. Default h = 1e-3 (float32-suited).
 * `seed` makes the choice of elements reproducible.
 */
export function gradCheckSparse(
  f: (x: Tensor) => number,
  x: Tensor,
  analyticGrad: Tensor,
  numChecks = 10,
  h = 1e-3,
  seed?: number,
): SparseGradCheck[] {
  const ag = analyticGrad.dataSync() as ArrayLike<number>;
  if (ag.length !== x.size) throw new Error(`gradCheckSparse: analyticGrad has ${ag.length} elements, x has ${x.size}`);
  const rand = seededRandom(seed);
  const picks = Array.from({ length: numChecks }, () => Math.floor(rand() * x.size));
  const out: SparseGradCheck[] = [];
  centralDifferences(x, h, picks, f, (p, m) => p - m, (i, numerical) => {
    const analytic = ag[i];
    const denom = Math.abs(numerical) + Math.abs(analytic);
    const relError = denom === 0 ? 0 : Math.abs(numerical - analytic) / denom;
    console.log(`numerical: ${numerical.toPrecision(6)} analytic: ${analytic.toPrecision(6)}, relative error: ${relError.toExponential(3)}`);
    out.push({ index: i, numerical, analytic, relError });
  });
  return out;
}

/**
 * The course's relative error: max over elements of |x - y| / max(1e-8, |x| + |y|).
 * x, y: tensors, arrays or numbers with the same number of elements; computed in float64.
 */
export function relError(x: Tensor | number | ArrayLike<number>, y: Tensor | number | ArrayLike<number>): number {
  const a = toArray(x);
  const b = toArray(y);
  if (a.length !== b.length) throw new Error(`relError: ${a.length} vs ${b.length} elements`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i] - b[i]) / Math.max(1e-8, Math.abs(a[i]) + Math.abs(b[i]));
    if (r > m || Number.isNaN(r)) m = r;
  }
  return m;
}

/**
 * Floored relative error for float32 (SPEC section 2): like relError, but each element's denominator
 * is at least 1% of max |y|, so elements that are near zero by cancellation do not dominate:
 * max over i of |x_i - y_i| / max(1e-8, |x_i| + |y_i|, 0.01 * max_j |y_j|).
 */
export function relErrorFloored(x: Tensor | number | ArrayLike<number>, y: Tensor | number | ArrayLike<number>): number {
  const a = toArray(x);
  const b = toArray(y);
  if (a.length !== b.length) throw new Error(`relErrorFloored: ${a.length} vs ${b.length} elements`);
  let ymax = 0;
  for (let i = 0; i < b.length; i++) ymax = Math.max(ymax, Math.abs(b[i]));
  const floor = Math.max(1e-8, 0.01 * ymax);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i] - b[i]) / Math.max(floor, Math.abs(a[i]) + Math.abs(b[i]));
    if (r > m || Number.isNaN(r)) m = r;
  }
  return m;
}

/**
 * Relative error against the scale of y (float32 comparisons of gradients): the largest elementwise
 * difference divided by the largest |y|, max_i |x_i - y_i| / max(1e-8, max_j |y_j|). It is the floored
 * relative error with the floor at 100% of max |y|. Two float32 computations of the same gradient that
 * sum in different orders (hand-written vs tf.grad, or a different CPU's matmul kernel) differ by a
 * few units of float32 rounding at the scale of the largest entries; entries that nearly cancel carry
 * that absolute rounding too, so any per-element measure is dominated by summation order there. This
 * one is not: it stays near 1e-7 for correct code on every CPU, while a wrong gradient gives about the
 * size of its error relative to the largest entry (a 2% error of every entry gives 0.02).
 */
export function relErrorScaled(x: Tensor | number | ArrayLike<number>, y: Tensor | number | ArrayLike<number>): number {
  const a = toArray(x);
  const b = toArray(y);
  if (a.length !== b.length) throw new Error(`relErrorScaled: ${a.length} vs ${b.length} elements`);
  let ymax = 0;
  for (let i = 0; i < b.length; i++) ymax = Math.max(ymax, Math.abs(b[i]));
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = d;
  }
  return m / Math.max(1e-8, ymax);
}

// BEGIN ASSIGNMENT assignment2
/** Result of gradCheckModel. */
export interface ModelGradCheck {
  /** the loss at the checked point */
  loss: number;
  /** per parameter: relErrorScaled(analytic, numerical) over its checked entries (for display) */
  errors: Record<string, number>;
  /**
   * relErrorScaled over the checked entries of all parameters taken as one vector: the largest
   * difference relative to the net's largest numerical gradient entry. It stays meaningful for a
   * parameter whose true gradient is ~0 (a bias before batchnorm), where a per-parameter measure
   * compares rounding noise with rounding noise.
   */
  overall: number;
  /** number of gradient entries checked */
  checked: number;
}

/**
 * Numerical gradient check of a whole model, the course's loop over sorted(grads): for every
 * parameter p, central differences of `model.loss(X, y)[0]` with step h (default 1e-2) against the
 * analytic gradient of `model.loss(X, y)`. Every entry by default; with `numChecks`, that many entries
 * of each parameter chosen at random (seeded by `seed`, default 0), which is much faster.
 * The model's parameters are restored after each probe.
 */
export function gradCheckModel(model: Model, X: Tensor, y: Tensor, opts: { h?: number; numChecks?: number; seed?: number } = {}): ModelGradCheck {
  const { h = 1e-2, numChecks, seed = 0 } = opts;
  const [loss, grads] = model.loss(X, y);
  const names = Object.keys(grads).sort();
  const rand = seededRandom(seed + 1);
  const errors: Record<string, number> = {};
  const allA: number[] = [];
  const allN: number[] = [];
  for (const name of names) {
    const x = model.params[name];
    if (!x) throw new Error(`gradCheckModel: grads has "${name}" but model.params does not`);
    const analytic = grads[name].dataSync() as ArrayLike<number>;
    const idx = numChecks === undefined || numChecks >= x.size ? Array.from(range(x.size)) : pickDistinct(rand, x.size, numChecks);
    const a: number[] = [];
    const n: number[] = [];
    const f = (p: Tensor): number => {
      model.params[name] = p;
      try {
        return model.loss(X, y)[0];
      } finally {
        model.params[name] = x;
      }
    };
    centralDifferences(x, h, idx, f, (p, m) => p - m, (i, g) => {
      a.push(analytic[i]);
      n.push(g);
    });
    errors[name] = relErrorScaled(a, n);
    allA.push(...a);
    allN.push(...n);
  }
  tf.dispose(Object.values(grads));
  return { loss, errors, overall: relErrorScaled(allA, allN), checked: allA.length };
}

/** k distinct integers from [0, n), in increasing order. */
function pickDistinct(rand: () => number, n: number, k: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(Math.floor(rand() * n));
  return [...chosen].sort((p, q) => p - q);
}
// END ASSIGNMENT

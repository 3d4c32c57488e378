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

/** Float32 value of x + d (the perturbed input as the tensor really stores it). */
function f32(v: number): number {
  return Math.fround(v);
}

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
  const base = Float32Array.from(x.dataSync() as ArrayLike<number>);
  const grad = new Float32Array(base.length);
  const evalAt = (buf: Float32Array): number => {
    const t = tf.tensor(buf, x.shape, "float32");
    try {
      return scoped(() => f(t));
    } finally {
      t.dispose();
    }
  };
  for (let i = 0; i < base.length; i++) {
    const old = base[i];
    const plus = f32(old + h);
    const minus = f32(old - h);
    base[i] = plus;
    const fxph = evalAt(base);
    base[i] = minus;
    const fxmh = evalAt(base);
    base[i] = old;
    grad[i] = (fxph - fxmh) / (plus - minus);
    if (verbose) console.log(`${i} ${grad[i]}`);
  }
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
  const base = Float32Array.from(x.dataSync() as ArrayLike<number>);
  const dfa = df.dataSync() as ArrayLike<number>;
  const grad = new Float32Array(base.length);
  const evalAt = (buf: Float32Array): Float32Array => {
    const t = tf.tensor(buf, x.shape, "float32");
    try {
      return scoped(() => Float32Array.from(f(t).dataSync() as ArrayLike<number>));
    } finally {
      t.dispose();
    }
  };
  for (let i = 0; i < base.length; i++) {
    const old = base[i];
    const plus = f32(old + h);
    const minus = f32(old - h);
    base[i] = plus;
    const pos = evalAt(base);
    base[i] = minus;
    const neg = evalAt(base);
    base[i] = old;
    let s = 0;
    for (let j = 0; j < pos.length; j++) s += (pos[j] - neg[j]) * dfa[j];
    grad[i] = s / (plus - minus);
  }
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
  const base = Float32Array.from(x.dataSync() as ArrayLike<number>);
  const ag = analyticGrad.dataSync() as ArrayLike<number>;
  if (ag.length !== base.length) throw new Error(`gradCheckSparse: analyticGrad has ${ag.length} elements, x has ${base.length}`);
  let s = (seed ?? Math.floor(Math.random() * 2147483647)) >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const evalAt = (buf: Float32Array): number => {
    const t = tf.tensor(buf, x.shape, "float32");
    try {
      return scoped(() => f(t));
    } finally {
      t.dispose();
    }
  };
  const out: SparseGradCheck[] = [];
  for (let c = 0; c < numChecks; c++) {
    const i = Math.floor(rand() * base.length);
    const old = base[i];
    const plus = f32(old + h);
    const minus = f32(old - h);
    base[i] = plus;
    const fxph = evalAt(base);
    base[i] = minus;
    const fxmh = evalAt(base);
    base[i] = old;
    const numerical = (fxph - fxmh) / (plus - minus);
    const analytic = ag[i];
    const denom = Math.abs(numerical) + Math.abs(analytic);
    const relError = denom === 0 ? 0 : Math.abs(numerical - analytic) / denom;
    console.log(`numerical: ${numerical.toPrecision(6)} analytic: ${analytic.toPrecision(6)}, relative error: ${relError.toExponential(3)}`);
    out.push({ index: i, numerical, analytic, relError });
  }
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

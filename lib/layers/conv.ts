// ASSIGNMENT assignment2
/**
 * Naive convolution and max pooling, cs231n's conv_forward_naive / conv_backward_naive /
 * max_pool_forward_naive / max_pool_backward_naive. Public shapes are NCHW: x (N, C, H, W), conv
 * weights w (F, C, HH, WW). Written as the course asks, with an explicit loop over output positions
 * (each step vectorized over the batch and the filters): slow, meant for small inputs. lib/fastLayers
 * has the same contracts on TensorFlow's native kernels.
 *
 * tfjs tensors are immutable and have no slice assignment (NumPy's `dx[:, :, i:i+k, j:j+k] += g`), so
 * the backward passes accumulate window gradients in a JS buffer with `addToWindow` (provided).
 * Intermediates belong to the caller's `tf.tidy`.
 */
import { tf, Tensor } from "../tf";

/** Options of a convolution (cs231n's conv_param). */
export interface ConvParam {
  /** step between neighbouring receptive fields, in both directions (default 1) */
  stride?: number;
  /** number of zeros added on each side of the height and width axes (default 0) */
  pad?: number;
}

/** Options of a max pooling layer (cs231n's pool_param). */
export interface PoolParam {
  /** height of each pooling window */
  poolHeight: number;
  /** width of each pooling window */
  poolWidth: number;
  /** step between neighbouring windows, in both directions */
  stride: number;
}

/** Cache of convForwardNaive (opaque to callers): the inputs and the parameters. */
export type ConvCache = { readonly kind: "conv"; readonly x: Tensor; readonly w: Tensor; readonly b: Tensor; readonly stride: number; readonly pad: number };

/** Cache of maxPoolForwardNaive (opaque to callers): the input and the parameters. */
export type PoolCache = { readonly kind: "pool"; readonly x: Tensor; readonly poolHeight: number; readonly poolWidth: number; readonly stride: number };

function shape4(t: Tensor, what: string, fn: string): [number, number, number, number] {
  if (t.rank !== 4) throw new Error(`${fn}: ${what} must be 4-D, got shape (${t.shape.join(", ")})`);
  return t.shape as [number, number, number, number];
}

/**
 * Output size of a convolution or pooling along one axis: 1 + (size + 2 pad - field) / stride, which
 * must be a positive whole number (the receptive fields tile the padded input exactly).
 */
export function convOutputSize(size: number, field: number, stride: number, pad: number, fn: string): number {
  if (!(Number.isInteger(stride) && stride >= 1)) throw new Error(`${fn}: stride must be a positive integer, got ${stride}`);
  if (!(Number.isInteger(pad) && pad >= 0)) throw new Error(`${fn}: pad must be a non-negative integer, got ${pad}`);
  const span = size + 2 * pad - field;
  if (span < 0 || span % stride !== 0)
    throw new Error(`${fn}: a window of ${field} with stride ${stride} and pad ${pad} does not tile a size of ${size} (need (${size} + 2*${pad} - ${field}) divisible by ${stride})`);
  return 1 + span / stride;
}

/**
 * Provided helper (tfjs has no slice assignment): adds `g`, shaped (N, C, kh, kw), into the window
 * [:, :, top:top+kh, left:left+kw] of `buf`, a row-major Float32Array holding a tensor of `shape`
 * (N, C, H, W). The backward passes build their dx this way, then `tf.tensor(buf, shape)`.
 */
export function addToWindow(buf: Float32Array, shape: readonly number[], g: Tensor, top: number, left: number): void {
  const [N, C, H, W] = shape;
  const [gn, gc, kh, kw] = g.shape as number[];
  if (gn !== N || gc !== C || top < 0 || left < 0 || top + kh > H || left + kw > W)
    throw new Error(`addToWindow: a (${g.shape.join(", ")}) window at (${top}, ${left}) does not fit in (${shape.join(", ")})`);
  const v = g.dataSync() as Float32Array;
  let k = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kh; i++) {
        const row = ((n * C + c) * H + top + i) * W + left;
        for (let j = 0; j < kw; j++) buf[row + j] += v[k++];
      }
}

/**
 * Naive convolution forward. x: (N, C, H, W); w: (F, C, HH, WW); b: (F,); convParam: stride and
 * zero padding. out[n, f, i, j] = sum over c, di, dj of xpad[n, c, i*stride + di, j*stride + dj] *
 * w[f, c, di, dj] + b[f]. Returns [out (N, F, H', W'), cache] with H' = 1 + (H + 2 pad - HH) / stride
 * and W' = 1 + (W + 2 pad - WW) / stride.
 */
export function convForwardNaive(x: Tensor, w: Tensor, b: Tensor, convParam: ConvParam = {}): [Tensor, ConvCache] {
  const fn = "convForwardNaive";
  const [N, C, H, W] = shape4(x, "x", fn);
  const [F, Cw, HH, WW] = shape4(w, "w", fn);
  if (Cw !== C) throw new Error(`${fn}: x has ${C} channels but w expects ${Cw} (w is (F, C, HH, WW))`);
  if (b.size !== F) throw new Error(`${fn}: b must have F = ${F} entries, got shape (${b.shape.join(", ")})`);
  const { stride = 1, pad = 0 } = convParam;
  const Ho = convOutputSize(H, HH, stride, pad, fn);
  const Wo = convOutputSize(W, WW, stride, pad, fn);
  const cache: ConvCache = { kind: "conv", x, w, b, stride, pad };
  // BEGIN SOLUTION (zero-pad x, then for every output position (i, j): the receptive field of every image times every filter, plus b)
  const xp = tf.pad(x, [[0, 0], [0, 0], [pad, pad], [pad, pad]]);
  const wRows = w.reshape([F, C * HH * WW]);
  const columns: Tensor[] = [];
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      const field = xp.slice([0, 0, i * stride, j * stride], [N, C, HH, WW]).reshape([N, C * HH * WW]);
      columns.push(field.matMul(wRows, false, true).add(b)); // (N, F)
    }
  }
  // columns[i * Wo + j] is out[:, :, i, j]
  const out = tf.stack(columns, 2).reshape([N, F, Ho, Wo]);
  return [out, cache];
  // END SOLUTION
}

/**
 * Naive convolution backward. dout: (N, F, H', W'); cache from convForwardNaive.
 * Returns [dx (N, C, H, W), dw (F, C, HH, WW), db (F,)].
 */
export function convBackwardNaive(dout: Tensor, cache: ConvCache): [Tensor, Tensor, Tensor] {
  const { x, w, stride, pad } = cache;
  const [N, C, H, W] = x.shape as number[];
  const [F, , HH, WW] = w.shape as number[];
  const [, , Ho, Wo] = dout.shape as number[];
  // BEGIN SOLUTION (db sums dout; for every output position (i, j): dw += dout[:, :, i, j]ᵀ · field, dxpad[field] += dout[:, :, i, j] · w)
  const xp = tf.pad(x, [[0, 0], [0, 0], [pad, pad], [pad, pad]]);
  const padShape = [N, C, H + 2 * pad, W + 2 * pad];
  const dxp = new Float32Array(N * C * padShape[2] * padShape[3]);
  const wRows = w.reshape([F, C * HH * WW]);
  // dw sums Ho*Wo terms: accumulate them in float64 (a float32 running sum would add ~1e-6 relative error)
  const dwSum = new Float64Array(F * C * HH * WW);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      const [top, left] = [i * stride, j * stride];
      const field = xp.slice([0, 0, top, left], [N, C, HH, WW]).reshape([N, C * HH * WW]);
      const d = dout.slice([0, 0, i, j], [N, F, 1, 1]).reshape([N, F]);
      const dwTerm = d.matMul(field, true, false).dataSync();
      for (let k = 0; k < dwSum.length; k++) dwSum[k] += dwTerm[k];
      addToWindow(dxp, padShape, d.matMul(wRows).reshape([N, C, HH, WW]), top, left);
    }
  }
  const dx = tf.tensor(dxp, padShape, "float32").slice([0, 0, pad, pad], [N, C, H, W]);
  const dw = tf.tensor(Float32Array.from(dwSum), [F, C, HH, WW], "float32");
  const db = dout.sum([0, 2, 3]);
  return [dx, dw, db];
  // END SOLUTION
}

/**
 * Naive max pooling forward. x: (N, C, H, W); poolParam: window size and stride.
 * out[n, c, i, j] = max of x[n, c, i*stride : i*stride + poolHeight, j*stride : j*stride + poolWidth].
 * Returns [out (N, C, H', W'), cache] with H' = 1 + (H - poolHeight) / stride, W' = 1 + (W - poolWidth) / stride.
 */
export function maxPoolForwardNaive(x: Tensor, poolParam: PoolParam): [Tensor, PoolCache] {
  const fn = "maxPoolForwardNaive";
  const [N, C, H, W] = shape4(x, "x", fn);
  const { poolHeight, poolWidth, stride } = poolParam;
  if (!(Number.isInteger(poolHeight) && poolHeight >= 1 && Number.isInteger(poolWidth) && poolWidth >= 1))
    throw new Error(`${fn}: poolHeight and poolWidth must be positive integers, got ${poolHeight} and ${poolWidth}`);
  const Ho = convOutputSize(H, poolHeight, stride, 0, fn);
  const Wo = convOutputSize(W, poolWidth, stride, 0, fn);
  const cache: PoolCache = { kind: "pool", x, poolHeight, poolWidth, stride };
  // BEGIN SOLUTION (for every output position (i, j): the maximum of each window)
  const columns: Tensor[] = [];
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      columns.push(x.slice([0, 0, i * stride, j * stride], [N, C, poolHeight, poolWidth]).max([2, 3])); // (N, C)
    }
  }
  const out = tf.stack(columns, 2).reshape([N, C, Ho, Wo]);
  return [out, cache];
  // END SOLUTION
}

/**
 * Naive max pooling backward. dout: (N, C, H', W'); cache from maxPoolForwardNaive.
 * Each upstream gradient goes to the position of its window's maximum (to every tied maximum: random
 * inputs have none). Returns dx (N, C, H, W).
 */
export function maxPoolBackwardNaive(dout: Tensor, cache: PoolCache): Tensor {
  const { x, poolHeight, poolWidth, stride } = cache;
  const [N, C, H, W] = x.shape as number[];
  const [, , Ho, Wo] = dout.shape as number[];
  // BEGIN SOLUTION (for every output position (i, j): route dout[:, :, i, j] to the maximum of its window)
  const dx = new Float32Array(N * C * H * W);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      const [top, left] = [i * stride, j * stride];
      const win = x.slice([0, 0, top, left], [N, C, poolHeight, poolWidth]);
      const isMax = win.equal(win.max([2, 3], true)).cast("float32");
      addToWindow(dx, x.shape, isMax.mul(dout.slice([0, 0, i, j], [N, C, 1, 1])), top, left);
    }
  }
  return tf.tensor(dx, [N, C, H, W], "float32");
  // END SOLUTION
}

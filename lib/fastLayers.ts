// ASSIGNMENT assignment2
/**
 * Fast convolution and max pooling (cs231n's fast_layers.py), provided code: the same contracts and
 * results as convForwardNaive / convBackwardNaive / maxPoolForwardNaive / maxPoolBackwardNaive in
 * lib/layers/conv, computed by TensorFlow's native kernels (Conv2D, Conv2DBackpropInput,
 * Conv2DBackpropFilter, MaxPool, MaxPoolGrad).
 *
 * TensorFlow's CPU kernels only take NHWC images (SPEC §7), so the NCHW inputs are transposed in and
 * the results transposed back; the padding is TensorFlow's "same" when the convolution keeps the
 * size, else an explicit `tf.pad` followed by a "valid" convolution (tfjs-node's backprop kernels
 * refuse numeric and explicit paddings). Max pooling with windows that
 * don't overlap (stride >= window, the course's 2x2/2) runs on oneDNN's pooling kernels in NCHW
 * directly (lib/onednn.ts): no transposes, and 3-5x faster than MaxPool/MaxPoolGrad. Intermediates
 * belong to the caller's `tf.tidy`.
 */
import { tf, Tensor } from "./tf";
import { convOutputSize } from "./layers/conv";
import type { ConvParam, PoolParam } from "./layers/conv";
import { onednnMaxPool, onednnMaxPoolGrad } from "./onednn";

/** Cache of convForwardFast (opaque to callers). */
export type ConvFastCache = {
  readonly kind: "convFast";
  /** input, NHWC, padded unless `padding` is "same" */
  readonly xp: Tensor;
  /** TensorFlow's padding mode: "same" when the convolution keeps the size, else "valid" on the padded input */
  readonly padding: "same" | "valid";
  /** filters as (HH, WW, C, F) */
  readonly filter: Tensor;
  readonly stride: number;
  readonly pad: number;
  /** shape of the original x, NCHW */
  readonly xShape: readonly number[];
};

/** Cache of maxPoolForwardFast (opaque to callers). */
export type PoolFastCache = {
  readonly kind: "poolFast";
  /** layout of x and out: NCHW on oneDNN's kernels, NHWC on TensorFlow's MaxPool */
  readonly layout: "NCHW" | "NHWC";
  /** input and output */
  readonly x: Tensor;
  readonly out: Tensor;
  /** oneDNN's record of the forward pass (NCHW only) */
  readonly workspace?: Tensor;
  readonly poolHeight: number;
  readonly poolWidth: number;
  readonly stride: number;
};

const nchwToNhwc = (t: Tensor): Tensor => t.transpose([0, 2, 3, 1]);
const nhwcToNchw = (t: Tensor): Tensor => t.transpose([0, 3, 1, 2]);

function check4(t: Tensor, what: string, fn: string): [number, number, number, number] {
  if (t.rank !== 4) throw new Error(`${fn}: ${what} must be 4-D, got shape (${t.shape.join(", ")})`);
  return t.shape as [number, number, number, number];
}

/**
 * Convolution forward on TensorFlow's Conv2D. x: (N, C, H, W); w: (F, C, HH, WW); b: (F,);
 * convParam: stride, pad. Returns [out (N, F, H', W'), cache], as convForwardNaive.
 */
export function convForwardFast(x: Tensor, w: Tensor, b: Tensor, convParam: ConvParam = {}): [Tensor, ConvFastCache] {
  const fn = "convForwardFast";
  const [, C, H, W] = check4(x, "x", fn);
  const [F, Cw, HH, WW] = check4(w, "w", fn);
  if (Cw !== C) throw new Error(`${fn}: x has ${C} channels but w expects ${Cw} (w is (F, C, HH, WW))`);
  if (b.size !== F) throw new Error(`${fn}: b must have F = ${F} entries, got shape (${b.shape.join(", ")})`);
  const { stride = 1, pad = 0 } = convParam;
  convOutputSize(H, HH, stride, pad, fn);
  convOutputSize(W, WW, stride, pad, fn);
  // a size-keeping convolution (stride 1, odd square filter, pad (HH - 1) / 2) is TensorFlow's "same"
  // padding: no padded copy of x, and no slicing of dx afterwards
  const padding = stride === 1 && HH === WW && HH === 2 * pad + 1 ? "same" : "valid";
  const xt = nchwToNhwc(x);
  const xp = (padding === "same" ? xt : tf.pad(xt, [[0, 0], [pad, pad], [pad, pad], [0, 0]])) as tf.Tensor4D;
  const filter = w.transpose([2, 3, 1, 0]) as tf.Tensor4D;
  const out = nhwcToNchw(tf.conv2d(xp, filter, stride, padding).add(b.reshape([F])));
  return [out, { kind: "convFast", xp, filter, stride, pad, padding, xShape: x.shape }];
}

/**
 * Convolution backward on Conv2DBackpropInput / Conv2DBackpropFilter. dout: (N, F, H', W').
 * Returns [dx (N, C, H, W), dw (F, C, HH, WW), db (F,)], as convBackwardNaive.
 */
export function convBackwardFast(dout: Tensor, cache: ConvFastCache): [Tensor, Tensor, Tensor] {
  const { xp, filter, stride, pad, padding, xShape } = cache;
  const [N, C, H, W] = xShape;
  const dy = nchwToNhwc(dout);
  const dxp = tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, { ...backpropAttrs(stride, padding), inputShape: [...xp.shape] }) as Tensor;
  const dx = nhwcToNchw(padding === "same" ? dxp : dxp.slice([0, pad, pad, 0], [N, H, W, C]));
  return [dx, ...paramGrads(dy, cache)];
}

/**
 * The filter and bias gradients of convForwardFast without dx: what a network's first layer needs
 * (its input images get no gradient), saving the costliest kernel of the three for few input channels.
 * dout: (N, F, H', W'). Returns [dw (F, C, HH, WW), db (F,)], equal to convBackwardFast's.
 */
export function convBackwardFastParams(dout: Tensor, cache: ConvFastCache): [Tensor, Tensor] {
  return paramGrads(nchwToNhwc(dout), cache);
}

const backpropAttrs = (stride: number, padding: "same" | "valid") => ({ strides: [stride, stride], pad: padding, dataFormat: "NHWC" });

/** dw and db from dy (NHWC); db sums over N, H', W' in NHWC, where the channels are contiguous (10x faster than in NCHW). */
function paramGrads(dy: Tensor, cache: ConvFastCache): [Tensor, Tensor] {
  const { xp, filter, stride, padding } = cache;
  const dfilter = tf.engine().runKernel("Conv2DBackpropFilter", { x: xp, dy }, { ...backpropAttrs(stride, padding), filterShape: [...filter.shape] }) as Tensor;
  return [dfilter.transpose([3, 2, 0, 1]), dy.sum([0, 1, 2])];
}

/**
 * Max pooling forward on TensorFlow's MaxPool. x: (N, C, H, W); poolParam: window and stride.
 * Returns [out (N, C, H', W'), cache], as maxPoolForwardNaive.
 */
export function maxPoolForwardFast(x: Tensor, poolParam: PoolParam): [Tensor, PoolFastCache] {
  const fn = "maxPoolForwardFast";
  const [, , H, W] = check4(x, "x", fn);
  const { poolHeight, poolWidth, stride } = poolParam;
  convOutputSize(H, poolHeight, stride, 0, fn);
  convOutputSize(W, poolWidth, stride, 0, fn);
  // oneDNN routes tied maxima like MaxPoolGrad (to the first) only when windows don't overlap
  const native = stride >= poolHeight && stride >= poolWidth ? onednnMaxPool(x, poolHeight, poolWidth, stride) : null;
  if (native) return [native.out, { kind: "poolFast", layout: "NCHW", x, out: native.out, workspace: native.workspace, poolHeight, poolWidth, stride }];
  const xt = nchwToNhwc(x) as tf.Tensor4D;
  const o = tf.maxPool(xt, [poolHeight, poolWidth], stride, "valid");
  return [nhwcToNchw(o), { kind: "poolFast", layout: "NHWC", x: xt, out: o, poolHeight, poolWidth, stride }];
}

/**
 * Max pooling backward on TensorFlow's MaxPoolGrad. dout: (N, C, H', W'). Returns dx (N, C, H, W),
 * as maxPoolBackwardNaive (with tied maxima, TensorFlow routes the gradient to the first one only).
 */
export function maxPoolBackwardFast(dout: Tensor, cache: PoolFastCache): Tensor {
  const { x, out, poolHeight, poolWidth, stride, workspace } = cache;
  if (cache.layout === "NCHW" && workspace) return onednnMaxPoolGrad(x, out, dout, workspace, poolHeight, poolWidth, stride);
  const attrs = { filterSize: [poolHeight, poolWidth], strides: [stride, stride], pad: "valid" };
  const dx = tf.engine().runKernel("MaxPoolGrad", { dy: nchwToNhwc(dout), input: x, output: out }, attrs) as Tensor;
  return nhwcToNchw(dx);
}

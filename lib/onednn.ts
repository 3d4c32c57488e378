/**
 * oneDNN's max-pooling kernels, called directly in eager mode.
 *
 * TensorFlow's eager runtime rewrites convolutions and matmuls to oneDNN by itself, but not max
 * pooling: `tf.maxPool` runs TensorFlow's own NHWC-only kernels, and its gradient (MaxPoolGrad) is
 * 3-5x slower than oneDNN's. The pip wheel's libtensorflow registers oneDNN's kernels as
 * `_MklNativeMaxPool` / `_MklNativeMaxPoolGrad` under the kernel label "MklNameChangeOp" (the name
 * graph mode's rewrite gives them); they take NCHW or NHWC images as they are.
 *
 * Used for windows that don't overlap (stride >= window, the course's 2x2/2), where oneDNN routes
 * the gradient of tied maxima to the window's first maximum exactly like MaxPoolGrad (tested):
 * - lib/fastLayers' maxPoolForwardFast / maxPoolBackwardFast call onednnMaxPool/onednnMaxPoolGrad
 *   in NCHW (no transposes);
 * - lib/tf.ts installs them as the tensorflow backend's MaxPool and MaxPoolGrad kernels, so
 *   `tf.maxPool` and `tf.layers.maxPooling2d` (the high-level notebook) use them too; other windows,
 *   paddings and dtypes go to tfjs-node's own kernels.
 * When this TensorFlow lacks the kernels (probed once) or CS231N_ONEDNN_POOL=0 is set, nothing
 * changes: onednnMaxPool returns null and the kernels stay tfjs-node's.
 */
import type * as TF from "@tensorflow/tfjs-node";

import { nativeBackend, NativeBackend, OpAttr } from "./nativeBackend";

type Tensor = TF.Tensor;
type Format = "NCHW" | "NHWC";

let tfRef: typeof TF | undefined;
/** false: not in this TensorFlow, or turned off with CS231N_ONEDNN_POOL=0 (to compare, or to debug) */
let available: boolean | undefined = process.env.CS231N_ONEDNN_POOL === "0" ? false : undefined;

function poolAttrs(be: NativeBackend, ph: number, pw: number, sh: number, sw: number, format: Format): OpAttr[] {
  const b = be.binding;
  const dims = (h: number, w: number): number[] => (format === "NCHW" ? [1, 1, h, w] : [1, h, w, 1]);
  return [
    { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: "ksize", type: b.TF_ATTR_INT, value: dims(ph, pw) },
    { name: "strides", type: b.TF_ATTR_INT, value: dims(sh, sw) },
    { name: "padding", type: b.TF_ATTR_STRING, value: "VALID" },
    { name: "data_format", type: b.TF_ATTR_STRING, value: format },
    { name: "workspace_enabled", type: b.TF_ATTR_BOOL, value: false },
    { name: "_kernel", type: b.TF_ATTR_STRING, value: "MklNameChangeOp" },
  ];
}

function nodeBackend(): NativeBackend | null {
  return tfRef ? nativeBackend(tfRef) : null;
}

function pool(x: Tensor, ph: number, pw: number, sh: number, sw: number, format: Format): { out: Tensor; workspace: Tensor } | null {
  if (available === false || x.dtype !== "float32" || x.rank !== 4 || sh < ph || sw < pw) return null;
  const be = nodeBackend();
  if (!be) return null;
  try {
    const [out, workspace] = be.executeMultipleOutputs("_MklNativeMaxPool", poolAttrs(be, ph, pw, sh, sw, format), [x], 2);
    available = true;
    return { out, workspace };
  } catch (e) {
    if (available === true) throw e; // it worked before: this is a real error
    available = false;
    return null;
  }
}

function poolGrad(x: Tensor, out: Tensor, dout: Tensor, workspace: Tensor, ph: number, pw: number, sh: number, sw: number, format: Format): Tensor {
  const be = nodeBackend();
  if (!be) throw new Error("onednnMaxPoolGrad: the native TensorFlow backend is not active");
  return be.executeSingleOutput("_MklNativeMaxPoolGrad", poolAttrs(be, ph, pw, sh, sw, format), [x, out, dout, workspace]);
}

/**
 * Max pooling of x (N, C, H, W), float32, "valid" windows ph x pw moved by stride >= ph, pw. Returns
 * the output (N, C, H', W') and oneDNN's workspace (opaque: only for onednnMaxPoolGrad, never to be
 * read), or null if oneDNN's kernels are not available or the windows overlap (then use tf.maxPool).
 */
export function onednnMaxPool(x: Tensor, ph: number, pw: number, stride: number): { out: Tensor; workspace: Tensor } | null {
  return pool(x, ph, pw, stride, stride, "NCHW");
}

/** Gradient of onednnMaxPool: dx (N, C, H, W) from dout (N, C, H', W'); ties go to the window's first maximum. */
export function onednnMaxPoolGrad(x: Tensor, out: Tensor, dout: Tensor, workspace: Tensor, ph: number, pw: number, stride: number): Tensor {
  return poolGrad(x, out, dout, workspace, ph, pw, stride, stride, "NCHW");
}

/** Window and strides of a tfjs MaxPool/MaxPoolGrad call if oneDNN can take it ("valid", non-overlapping), else null. */
function simpleWindow(attrs: Record<string, unknown>): [number, number, number, number] | null {
  const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)]);
  const [ph, pw] = pair(attrs.filterSize);
  const [sh, sw] = pair(attrs.strides);
  return attrs.pad === "valid" && attrs.dimRoundingMode == null && sh >= ph && sw >= pw ? [ph, pw, sh, sw] : null;
}

/**
 * Makes oneDNN's kernels the tensorflow backend's MaxPool and MaxPoolGrad for "valid", non-overlapping
 * windows (everything else keeps tfjs-node's kernels). MaxPoolGrad gets no workspace from tfjs, so
 * it re-runs oneDNN's forward (a third of the cost of the backward) to make one. Called once by lib/tf.ts.
 */
export function installOnednnMaxPool(tf: typeof TF): void {
  tfRef = tf;
  if (available === false || tf.getBackend() !== "tensorflow") return;
  const fwd = tf.getKernel("MaxPool", "tensorflow");
  const bwd = tf.getKernel("MaxPoolGrad", "tensorflow");
  if (!fwd || !bwd) return;
  type Args = Parameters<TF.KernelFunc>[0];
  tf.unregisterKernel("MaxPool", "tensorflow");
  tf.registerKernel({
    ...fwd,
    kernelFunc: (args: Args) => {
      const w = simpleWindow(args.attrs as Record<string, unknown>);
      const r = w ? pool(args.inputs.x as Tensor, ...w, "NHWC") : null;
      if (!r) return fwd.kernelFunc(args);
      r.workspace.dispose();
      return r.out;
    },
  });
  tf.unregisterKernel("MaxPoolGrad", "tensorflow");
  tf.registerKernel({
    ...bwd,
    kernelFunc: (args: Args) => {
      const { dy, input } = args.inputs as { dy: Tensor; input: Tensor };
      const w = simpleWindow(args.attrs as Record<string, unknown>);
      const r = w ? pool(input, ...w, "NHWC") : null;
      if (!r || !w) return bwd.kernelFunc(args);
      try {
        return poolGrad(input, r.out, dy, r.workspace, ...w, "NHWC");
      } finally {
        r.out.dispose();
        r.workspace.dispose();
      }
    },
  });
}

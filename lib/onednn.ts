/**
 * oneDNN's max-pooling kernels, called directly in eager mode.
 *
 * TensorFlow's eager runtime rewrites convolutions and matmuls to oneDNN by itself, but not max
 * pooling: `tf.maxPool` runs TensorFlow's own NHWC-only kernels, and its gradient (MaxPoolGrad) is
 * 3-5x slower than oneDNN's. The pip wheel's libtensorflow registers oneDNN's kernels as
 * `_MklNativeMaxPool` / `_MklNativeMaxPoolGrad` under the kernel label "MklNameChangeOp" (the name
 * graph mode's rewrite gives them); they take NCHW images as they are. When this TensorFlow lacks
 * them (the first call probes once) or CS231N_ONEDNN_POOL=0 is set, onednnMaxPool returns null and
 * callers use `tf.maxPool`.
 */
import { tf, Tensor } from "./tf";

/** The parts of tfjs-node's backend used here (not in its public types). */
interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], numOutputs: number): Tensor[];
}
type OpAttr = { name: string; type: number; value: unknown };

/** false: not in this TensorFlow, or turned off with CS231N_ONEDNN_POOL=0 (to compare, or to debug) */
let available: boolean | undefined = process.env.CS231N_ONEDNN_POOL === "0" ? false : undefined;

function poolAttrs(be: NodeBackend, ph: number, pw: number, stride: number): OpAttr[] {
  const b = be.binding;
  return [
    { name: "T", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: "ksize", type: b.TF_ATTR_INT, value: [1, 1, ph, pw] },
    { name: "strides", type: b.TF_ATTR_INT, value: [1, 1, stride, stride] },
    { name: "padding", type: b.TF_ATTR_STRING, value: "VALID" },
    { name: "data_format", type: b.TF_ATTR_STRING, value: "NCHW" },
    { name: "workspace_enabled", type: b.TF_ATTR_BOOL, value: false },
    { name: "_kernel", type: b.TF_ATTR_STRING, value: "MklNameChangeOp" },
  ];
}

function nodeBackend(): NodeBackend | null {
  if (tf.getBackend() !== "tensorflow") return null;
  const be = tf.backend() as unknown as Partial<NodeBackend>;
  return typeof be.executeMultipleOutputs === "function" && be.binding ? (be as NodeBackend) : null;
}

/**
 * Max pooling of x (N, C, H, W), float32, "valid" windows ph x pw moved by stride. Returns the output
 * (N, C, H', W') and oneDNN's workspace (opaque: only for onednnMaxPoolGrad, never to be read), or
 * null if oneDNN's kernels are not available (then use tf.maxPool).
 */
export function onednnMaxPool(x: Tensor, ph: number, pw: number, stride: number): { out: Tensor; workspace: Tensor } | null {
  if (available === false || x.dtype !== "float32" || x.rank !== 4) return null;
  const be = nodeBackend();
  if (!be) return null;
  try {
    const [out, workspace] = be.executeMultipleOutputs("_MklNativeMaxPool", poolAttrs(be, ph, pw, stride), [x], 2);
    available = true;
    return { out, workspace };
  } catch (e) {
    if (available === true) throw e; // it worked before: this is a real error
    available = false;
    return null;
  }
}

/** Gradient of onednnMaxPool: dx (N, C, H, W) from dout (N, C, H', W'); ties go to the window's first maximum. */
export function onednnMaxPoolGrad(x: Tensor, out: Tensor, dout: Tensor, workspace: Tensor, ph: number, pw: number, stride: number): Tensor {
  const be = nodeBackend();
  if (!be) throw new Error("onednnMaxPoolGrad: the native TensorFlow backend is not active");
  return be.executeSingleOutput("_MklNativeMaxPoolGrad", poolAttrs(be, ph, pw, stride), [x, out, dout, workspace]);
}
